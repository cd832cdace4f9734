#!/usr/bin/env bash
# Soak: every flow at once for an hour (or --minutes) with the remote systems misbehaving on a schedule; the jar in its
# own JVM. Samples (CSV), a chart (PNG) and the checks' table go to --report; exit 1 on any missed check.
#   bench/soak.sh [--minutes=60] [--report=target/soak] [--rabbitmq=HOST:PORT] [--faults=all|none|5xx,429,slow,drop,token,ivanti-outage,mongo-freeze]
#                 [--files-per-s=4] [--products-per-s=10] [--xmx=384m] [--mongo-in-app]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q package -DskipTests >/dev/null
source bench/classpath.sh
exec java -Xmx1g -Djava.awt.headless=true -cp "$BENCH_CP" io.syncroutes.bench.SoakBench "$@"
