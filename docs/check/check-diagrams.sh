#!/usr/bin/env bash
# Checks that every mermaid diagram of the documentation renders: each ```mermaid block of README.md and docs/*.md
# (or of the Markdown files given as arguments) is rendered by the mermaid package in a headless Chromium; the
# check fails naming the file, the block and mermaid's error. Needs Node.js and Chromium at /usr/bin/chromium
# (Debian package "chromium"; .ci/run installs it).
set -euo pipefail
cd "$(dirname "$0")/../.."
(cd docs/check && npm ci --no-audit --no-fund --silent)
if [ $# -eq 0 ]; then
  shopt -s nullglob
  set -- README.md docs/*.md
fi
node docs/check/check-diagrams.mjs "$@"
