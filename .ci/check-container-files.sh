#!/usr/bin/env bash
# Checks the container files without a container engine: docker-compose.yml with Compose itself
# (`docker-compose config`: its schema, variable interpolation, references between services and volumes, build
# paths) and the Dockerfiles with .ci/container-files/check.mjs. Each checker must first reject a broken copy (a
# misspelt key; a COPY of a build output a clean clone lacks), so a checker that passes everything fails here.
# Installs Debian's docker-compose when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v docker-compose > /dev/null; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && $sudo apt-get install -y -qq docker-compose > /dev/null
fi
(cd .ci/container-files && npm ci --no-audit --no-fund --silent)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

compose_config() {
  MANAGEMENT_PASSWORD=check docker-compose --project-directory . -f "$1" config --quiet
}
sed 's/^    depends_on:/    depend_on:/' docker-compose.yml > "$work/broken-compose.yml"
if compose_config "$work/broken-compose.yml" 2> /dev/null; then
  echo "docker-compose config accepted a broken Compose file"; exit 1
fi
compose_config docker-compose.yml
echo "docker-compose.yml: valid (docker-compose $(docker-compose version --short))"

sed 's#^COPY --from=build /build/target/#COPY target/#' Dockerfile > "$work/broken.Dockerfile"
if node .ci/container-files/check.mjs "$work/broken.Dockerfile" . > /dev/null 2>&1; then
  echo "the Dockerfile check accepted a Dockerfile that copies a build output"; exit 1
fi
node .ci/container-files/check.mjs Dockerfile . hawtio/Dockerfile hawtio
