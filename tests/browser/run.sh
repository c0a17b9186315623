#!/usr/bin/env bash
# The emulator's web page in Debian's headless Chromium (playwright-core, pinned in
# package.json, installed from npm on first use). Starts `apify-webhooks serve` on 127.0.0.1
# port 0 and runs page.test.mjs against it. SCREENSHOT_DIR=docs writes the README's screenshots.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"
if ! command -v "${CHROMIUM:-chromium}" >/dev/null; then
  echo "FAIL page: Chromium is not installed (Debian: apt-get install chromium; .ci/run installs it)" >&2
  exit 1
fi
if [ ! -d node_modules/playwright-core ]; then
  echo "installing playwright-core..." >&2
  npm install --no-audit --no-fund --silent
fi
(cd "$root" && cargo build -q -p apify-webhooks-cli)
work="$(mktemp -d)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
"$root/target/debug/apify-webhooks" serve --address 127.0.0.1:0 --retry-base-secs 0.2 --retries 2 \
  > "$work/serve.out" 2> "$work/serve.err" &
pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
export APIFY_API_BASE_URL="$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$work/serve.out")"
export APIFY_TOKEN=apify-webhooks-local-token
if [ -n "${SCREENSHOT_DIR:-}" ]; then export SCREENSHOT_DIR="$(cd "$root" && mkdir -p "$SCREENSHOT_DIR" && cd "$SCREENSHOT_DIR" && pwd)"; fi
timeout 120 node page.test.mjs
