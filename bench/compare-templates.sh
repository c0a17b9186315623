#!/usr/bin/env bash
# Times the platform's template engine (@apify/utilities 3.0.1 on Node 22, the kit in
# bench/template-reference) and ours on the same ten templates, in one run, and prints both
# with the speed-up. Needs npm (the kit pins Node 22 as an npm package).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
kit="$here/template-reference"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ ! -d "$kit/node_modules/@apify/utilities" ]; then
  echo "installing the reference kit (npm)..." >&2
  (cd "$kit" && npm install --no-audit --no-fund --silent)
fi
(cd "$kit" && node bench_reference.js --write-templates "$work/templates" >&2)
echo "timing the reference..." >&2
(cd "$kit" && node bench_reference.js --json > "$work/reference.json")
cd "$here/.."
cargo bench -q -p apify-webhooks-core --bench templates -- --templates "$work/templates" --reference "$work/reference.json"
echo
cargo bench -q -p apify-webhooks-core --bench templates
