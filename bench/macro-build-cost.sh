#!/usr/bin/env bash
# Build cost of the webhooks! macro, measured on this machine:
#  1. cold build (dev profile) of apify-webhooks-macros and its whole dependency tree, next to
#     serde_derive's, each in a fresh target directory;
#  2. compile time per macro call: a crate with 200 webhooks! invocations against the same
#     crate with 200 plain string constants (median of 3 rebuilds of that crate only).
# With --markdown, ends with the table bench/run.sh puts in BENCHMARKS.md.
set -euo pipefail
markdown=0; [ "${1:-}" = --markdown ] && markdown=1
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export CARGO_TERM_COLOR=never
now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.2f}')"; }

serde_version=$(cd "$root" && cargo metadata --format-version 1 2>/dev/null \
  | python3 -c 'import json,sys; print(next((p["version"] for p in json.load(sys.stdin)["packages"] if p["name"]=="serde_derive"), "1"))')

mk() { # name, dependency line
  mkdir -p "$work/$1/src"
  printf '[package]\nname = "%s"\nversion = "0.0.0"\nedition = "2021"\n\n[dependencies]\n%s\n\n[workspace]\n' "$1" "$2" > "$work/$1/Cargo.toml"
  echo 'pub fn f() {}' > "$work/$1/src/lib.rs"
}
mk cold_macro "apify-webhooks-macros = { path = \"$root/macros\" }"
mk cold_serde "serde_derive = \"=$serde_version\""

declare -A cold crates
echo "== cold builds (fresh target dirs, dev profile, $(nproc) cores)"
for p in cold_macro cold_serde; do
  (cd "$work/$p" && cargo fetch -q)
  t0=$(now); (cd "$work/$p" && cargo build -q); t1=$(now)
  cold[$p]=$(secs "$t0" "$t1")
  crates[$p]=$(cd "$work/$p" && cargo tree -q -e normal,build --prefix none | sort -u | wc -l)
  echo "$p: ${cold[$p]} s (${crates[$p]} crates)"
done

echo "== per-call cost (200 invocations)"
mk calls_macro "apify-webhooks = { path = \"$root/runtime\" }"
mk calls_plain "apify-webhooks = { path = \"$root/runtime\" }"
python3 - "$work" <<'PY'
import sys
work = sys.argv[1]
macro, plain = [], []
for i in range(200):
    macro.append(f'''pub const HOOK_{i}: apify_webhooks::Webhooks = apify_webhooks::webhooks![{{
    event_types: [ACTOR.RUN.SUCCEEDED, ACTOR.RUN.FAILED],
    request_url: "https://example.com/hook/{i}",
    payload_template: r#"{{"n": {i}, "run": {{{{resource.id}}}}, "status": {{{{resource.status}}}}}}"#,
}}];''')
    plain.append(f'''pub const HOOK_{i}: (&str, &str) = ("https://example.com/hook/{i}", r#"{{"n": {i}, "run": {{{{resource.id}}}}, "status": {{{{resource.status}}}}}}"#);''')
open(f"{work}/calls_macro/src/lib.rs", "w").write("\n".join(macro) + "\n")
open(f"{work}/calls_plain/src/lib.rs", "w").write("\n".join(plain) + "\n")
PY
export CARGO_TARGET_DIR="$work/shared-target"
for p in calls_macro calls_plain; do (cd "$work/$p" && cargo build -q); done
declare -A med
for p in calls_macro calls_plain; do
  runs=()
  for _ in 1 2 3; do
    touch "$work/$p/src/lib.rs"
    t0=$(now); (cd "$work/$p" && cargo build -q); t1=$(now)
    runs+=("$(secs "$t0" "$t1")")
  done
  med[$p]=$(printf '%s\n' "${runs[@]}" | sort -n | sed -n 2p)
  echo "$p: ${runs[*]} s (median ${med[$p]})"
done
per_call=$(python3 -c "print(f'{(${med[calls_macro]} - ${med[calls_plain]}) / 200 * 1000:.2f}')")
echo "per call: $per_call ms"
if [ "$markdown" = 1 ]; then
  ratio=$(python3 -c "print(f'{${cold[cold_macro]} / ${cold[cold_serde]}:.2f}')")
  echo
  echo "| measure | apify-webhooks-macros | serde_derive $serde_version (reference) | ours ÷ reference |"
  echo "|---|---:|---:|---:|"
  echo "| cold build, dev profile, crate and its whole dependency tree | ${cold[cold_macro]} s (${crates[cold_macro]} crates) | ${cold[cold_serde]} s (${crates[cold_serde]} crates) | ${ratio}× |"
  echo "| crate with 200 \`webhooks!\` calls vs 200 plain constants, rebuild (median of 3) | ${med[calls_macro]} s vs ${med[calls_plain]} s | | |"
  echo "| cost per \`webhooks!\` call | ${per_call} ms | | |"
fi
