#!/usr/bin/env bash
# Resources benchmark: a Focus full load of 1,000,000 lines served by the project's Focus simulator, through the app
# in its own JVM with a small heap, vs the raw MongoDB-driver bulk upsert of the same rows; same server, one run.
#   bench/resources.sh [--rows=1000000] [--warmup-rows=100000] [--batch=5000] [--xmx=256m]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/classpath.sh
exec java -Xmx4g -cp "$BENCH_CP" io.syncroutes.bench.ResourcesBench "$@"
