#!/usr/bin/env bash
# Unavailabilities benchmark: a two-environment Qargo simulator with N resources per environment and 0-20
# unavailabilities each; a first run, then steady-state runs after changing a share of the master's resources.
# Prints requests beside the lower bound the data needs, and wall time beside a raw HTTP loop making those requests.
#   bench/unavailabilities.sh [--resources=500] [--max-unavailabilities=20] [--changed=0.05] [--steady-runs=3]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/classpath.sh
exec java -Xmx1g -cp "$BENCH_CP" io.syncroutes.bench.UnavailabilitiesBench "$@"
