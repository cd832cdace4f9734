#!/usr/bin/env bash
# Makes target/sync-routes.jsa, a class-data-sharing archive of the classes the app loads, from a training run
# (--demo --once: every flow runs once against the simulators, then the JVM exits and writes the archive). Use it
# with the same JDK and jar: java -XX:SharedArchiveFile=target/sync-routes.jsa -jar target/sync-routes.jar
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/sync-routes.jar ] || mvn -B -q package -DskipTests
archive="$PWD/target/sync-routes.jsa"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -f "$archive"
(cd "$work" && HTTP_PORT=${HTTP_PORT:-18090} MONGO_EMBEDDED_PORT=${MONGO_EMBEDDED_PORT:-18091} \
  RABBITMQ_EMBEDDED_PORT=${RABBITMQ_EMBEDDED_PORT:-18092} ROUTES_DIR="$OLDPWD/routes" ROUTES_RELOAD=false \
  java -XX:ArchiveClassesAtExit="$archive" -Xlog:cds=off -Xlog:cds+dynamic=off -jar "$OLDPWD/target/sync-routes.jar" --demo --once >"$work/training.log" 2>&1) \
  || [ $? -eq 1 ] || { echo "the training run did not start:"; tail -20 "$work/training.log"; exit 1; }
# exit status 1 (a flow failed against the simulators) still trains
[ -s "$archive" ] || { echo "no archive was written:"; tail -20 "$work/training.log"; exit 1; }
echo "class-data-sharing archive: $archive ($(du -m "$archive" | cut -f1) MB)"
