#!/usr/bin/env bash
# Starts Hawtio 4 connected to sync-routes: http://localhost:${HAWTIO_PORT:-8090}/hawtio/
#   SYNC_ROUTES_URL  where the app runs (default http://localhost:8080)
#   HAWTIO_PORT      Hawtio's port (default 8090)
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -f target/hawtio-launcher.jar ] || [ ! -f target/hawtio.war ]; then
  mvn -B -q package
fi
exec java -jar target/hawtio-launcher.jar
