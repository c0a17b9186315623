#!/usr/bin/env bash
# The official JS and Python clients and SDKs (pinned in package.json / requirements.txt)
# against the emulator: start/call with webhooks, tasks, errors, idempotent creates, and
# Actor.addWebhook / add_webhook from runs the emulator starts. Installs the packages on first
# use (npm and PyPI), starts the emulator and a receiver on 127.0.0.1 port 0, and ends with
# "N passed, N failed".
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"
if [ ! -d node_modules/apify-client ]; then
  echo "installing the official JS packages..." >&2
  npm install --no-audit --no-fund --silent
fi
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import apify, apify_client' 2>/dev/null; then
  echo "installing the official Python packages..." >&2
  python3 -m venv .venv
  .venv/bin/pip install -q -r requirements.txt
fi
(cd "$root" && cargo build -q -p apify-webhooks-cli)
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

python3 receiver.py "$work/received.log" > "$work/receiver.port" &
pids+=($!)
for _ in $(seq 50); do [ -s "$work/receiver.port" ] && break; sleep 0.1; done
export RECEIVER="http://127.0.0.1:$(cat "$work/receiver.port")"

"$root/target/debug/apify-webhooks" serve --address 127.0.0.1:0 --retry-base-secs 0.2 \
  --actor me/js-actor="node $here/js_actor.mjs" \
  --actor me/py-actor="$here/.venv/bin/python $here/py_actor.py" \
  --task me/task=scripted/succeeds > "$work/serve.out" 2> "$work/serve.err" &
pids+=($!)
for _ in $(seq 100); do grep -q "listening on" "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
export APIFY_API_BASE_URL="$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$work/serve.out")"
export APIFY_TOKEN=apify-webhooks-local-token

results="$work/results"
{ timeout 120 node js_client.mjs || echo "FAIL js client script exited with an error"; } | tee -a "$results"
{ timeout 120 .venv/bin/python py_client.py || echo "FAIL py client script exited with an error"; } | tee -a "$results"
for actor in js-actor py-actor; do
  run=$(curl -s -X POST "$APIFY_API_BASE_URL/v2/actors/me~$actor/runs?waitForFinish=60" -H "Authorization: Bearer $APIFY_TOKEN" \
    -H 'Content-Type: application/json' -d '{"hello": "sdk"}')
  status=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["data"]["status"])' "$run")
  if [ "$status" = SUCCEEDED ]; then echo "PASS $actor: Actor.init, input, addWebhook and exit under the emulator"; else
    echo "FAIL $actor: run ended $status"; id=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["data"]["id"])' "$run")
    curl -s "$APIFY_API_BASE_URL/v2/actor-runs/$id/log?token=$APIFY_TOKEN" | tail -20; fi
done | tee -a "$results"
# Deliveries: every webhook exactly once.
for _ in $(seq 100); do [ "$(grep -c . "$work/received.log" 2>/dev/null || true)" -ge 6 ] && break; sleep 0.1; done
sleep 0.5
for path in /js-client /py-client /js-sdk /py-sdk; do
  want=1; [ "$path" = /js-client ] && want=3
  got=$(grep -c "\"path\": \"$path\"" "$work/received.log" || true)
  if [ "$got" = "$want" ]; then echo "PASS delivered to $path exactly as expected ($got)"; else echo "FAIL delivered to $path $got times, expected $want"; fi
done | tee -a "$results"
passed=$(grep -c '^PASS' "$results" || true)
failed=$(grep -c '^FAIL' "$results" || true)
echo "official clients: $passed passed, $failed failed"
[ "$failed" = 0 ]
