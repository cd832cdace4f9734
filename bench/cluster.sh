#!/usr/bin/env bash
# Several instances benchmark (CLUSTER_SERVICE=file, each instance its own JVM): products/s with 1, 2 and 3
# instances competing on one queue against the Ivanti simulator, then the inbound leader's failover time over
# several SIGKILLs.
#   bench/cluster.sh [--products=3000] [--latency-ms=10] [--kills=5] [--rabbitmq=127.0.0.1:5672]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/classpath.sh
exec java -Xmx1g -cp "$BENCH_CP" io.syncroutes.bench.ClusterBench "$@"
