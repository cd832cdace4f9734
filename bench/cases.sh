#!/usr/bin/env bash
# Cases benchmark: first full sync of N Intempus cases (simulator over HTTP) through the cases route vs a raw
# HTTP + driver loop in the same run; then the steady state (a delta after 10 changes) vs a full walk.
#   bench/cases.sh [--cases=100000] [--page=1000] [--backend=memory|h2] [--rounds=3] [--changes=10]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/classpath.sh
exec java -Xmx4g -cp "$BENCH_CP" io.syncroutes.bench.CasesBench "$@"
