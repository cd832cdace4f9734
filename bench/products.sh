#!/usr/bin/env bash
# Products benchmark: N products through the products route to an Ivanti stub with fixed latency, with the
# default settings and with the reference tool's (1 consumer, prefetch 1).
#   bench/products.sh [--products=20000] [--latency-ms=10] [--reference-products=1000] [--rabbitmq=127.0.0.1:5672]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/classpath.sh
exec java -Xmx4g -cp "$BENCH_CP" io.syncroutes.bench.ProductsBench "$@"
