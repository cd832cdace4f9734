#!/usr/bin/env bash
# Work-order benchmark: inbound and outbound routes vs raw MongoDB-driver baselines, same server, one run.
#   bench/workorders.sh [--records=100000] [--per-file=1000] [--backend=memory|h2] [--rounds=2]
#   bench/workorders.sh --big-file-mb=1024 [--xmx=256m]     # one huge array file through a 256 MB app
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/classpath.sh
main=io.syncroutes.bench.WorkOrdersBench
for arg in "$@"; do case "$arg" in --big-file-mb=*) main=io.syncroutes.bench.BigFileBench;; esac; done
exec java -Xmx12g -cp "$BENCH_CP" "$main" "$@"
