#!/usr/bin/env bash
# Provenance query time with 1,000,000 work orders (with _sync) and 1,000,000 ledger entries stored, embedded server:
#   bench/provenance.sh [--records=1000000] [--queries=200]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/classpath.sh
exec java -Xmx6g ${BENCH_JAVA_OPTS:-} -cp "$BENCH_CP" io.syncroutes.bench.ProvenanceBench "$@"
