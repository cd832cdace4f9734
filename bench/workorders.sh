#!/usr/bin/env bash
# Work-order benchmark: inbound and outbound routes vs raw MongoDB-driver baselines, same server, one run.
#   bench/workorders.sh [--records=100000] [--per-file=1000] [--backend=memory|h2] [--rounds=2]
#   bench/workorders.sh --big-file-mb=1024 [--xmx=256m]     # one huge array file through a 256 MB app
#   bench/workorders.sh --files [--backend=memory|h2] [--small=10000] [--big=100] [--per-big=1000] [--max-warm-ups=10] [--measured-rounds=3]
#                                  # 10,000 one-object files and 100 files of 1,000 records vs a raw loop
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/classpath.sh
main=io.syncroutes.bench.WorkOrdersBench
heap=-Xmx12g
for arg in "$@"; do case "$arg" in
  --big-file-mb=*) main=io.syncroutes.bench.BigFileBench;;
  # a fixed heap, touched once at start: a growing heap's first touch of its memory (the kernel zeroing pages) cost
  # up to three times the work itself, in whichever of the route or the raw loop it fell on
  --files) main=io.syncroutes.bench.WorkOrderFilesBench; heap="-Xms3g -Xmx3g -XX:+AlwaysPreTouch";;
esac; done
# BENCH_JAVA_OPTS: e.g. -Dbench.stats=true (--files: CPU by thread, the route's statistics), -Dbench.app.<property>=<value>
exec java $heap ${BENCH_JAVA_OPTS:-} -cp "$BENCH_CP" "$main" "$@"
