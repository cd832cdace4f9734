#!/usr/bin/env bash
# Browser check of the Hawtio monitoring, as an operator uses it: builds the app and the Hawtio launcher, starts the
# app in demo mode and Hawtio connected to it, then a headless Chromium (Playwright) opens Hawtio, finds the app's
# routes in the Camel tab with their exchange counts and saves target/hawtio-camel-routes.png.
# Needs Chromium at /usr/bin/chromium (Debian package "chromium"; .ci/run installs it) and Node.js.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
app_port=$(free_port); hawtio_port=$(free_port)
work=$(mktemp -d)

mvn -B -q package -DskipTests
(cd hawtio && mvn -B -q package)
(cd hawtio/test && npm ci --no-audit --no-fund --silent)

(cd "$work" && ROUTES_DIR="$root/routes" HTTP_PORT=$app_port MONGO_EMBEDDED_PORT=$(free_port) \
  RABBITMQ_EMBEDDED_PORT=$(free_port) exec java -jar "$root/target/sync-routes.jar" --demo < /dev/null > "$work/app.log" 2>&1) &
app=$!
SYNC_ROUTES_URL=http://localhost:$app_port HAWTIO_PORT=$hawtio_port java -jar hawtio/target/hawtio-launcher.jar < /dev/null > "$work/hawtio.log" 2>&1 &
hawtio=$!
trap 'kill $app $hawtio 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

for url in "http://localhost:$app_port/observe/health/ready" "http://localhost:$hawtio_port/hawtio/"; do
  for _ in $(seq 1 180); do curl -sf -m 5 -o /dev/null "$url" && break; sleep 1; done
  sleep 2
  curl -sf -o /dev/null "$url" || {
    echo "not up: $url"; curl -s "$url?exposureLevel=full" || true; echo
    command -v jstack > /dev/null && jstack "$app" | grep -B2 -A25 'file://' || true
    tail -n 40 "$work/app.log" "$work/hawtio.log"; exit 1; }
done

HAWTIO_URL=http://localhost:$hawtio_port SCREENSHOT="$root/target/hawtio-camel-routes.png" \
  EXPECT_ROUTES=workorders-inbound,workorders-write-batch,workorders-export,workorders-export-run,products-sync,cases-sync,resources-sync,resources-resource,unavailabilities-timer,unavailabilities-run,unavailabilities-pair,unavailabilities-read,unavailabilities-call node hawtio/test/hawtio-routes.mjs
