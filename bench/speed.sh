#!/usr/bin/env bash
# Issue 22: modelbrowser's CPU speed estimate (FIT_POLICY.md section 7)
# against llama.cpp itself. Writes zero-weight GGUF files of real shapes
# (bench/speedcal: Qwen2.5-0.5B, Llama-3.2-1B and Gemma-3-1B in Q8_0 and
# Q4_0; sparse on disk), prints modelbrowser's band for each on this
# machine (bandwidth probed here), then loads each with the llama.cpp that
# node-llama-cpp ships prebuilt (bench/llamacpp, CPU, mmap off so the
# weights are resident, one thread per physical core), measures prompt and
# decode speed, and prints a markdown table with how many fall in the band.
#
#   bench/speed.sh                       # files in /tmp/modelbrowser-speed
#   SPEED_DIR=/some/dir bench/speed.sh
#   SPEED_8B=1 bench/speed.sh            # add Llama-3.1-8B in Q4_0 (4.7 GB resident)
#   SPEED_PROMPT=128 SPEED_GEN=32 SPEED_REPEAT=2 bench/speed.sh
#   SPEED_THREADS=1 bench/speed.sh       # one thread (default: physical cores)
#
# Zero weights, not random ones: llama.cpp's CPU kernels do the same
# arithmetic whatever the values, and with mmap off the file is read into
# private memory, so every page is a real one; random weights would only
# cost gigabytes of writes. Needs Go, Node >= 20 and npm (`npm ci` into
# bench/llamacpp, once). Run it on an idle machine: other load slows
# llama.cpp and the bandwidth probe differently. Not a test.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${SPEED_DIR:-/tmp/modelbrowser-speed}
prompt=${SPEED_PROMPT:-128}
gen=${SPEED_GEN:-32}
repeat=${SPEED_REPEAT:-2}
threads=()
[ -n "${SPEED_THREADS:-}" ] && threads=(-threads "$SPEED_THREADS")
big=()
[ -n "${SPEED_8B:-}" ] && big=(-8b)
mkdir -p "$dir"

want=$(node -p 'require("./bench/llamacpp/package.json").dependencies["node-llama-cpp"]')
have=$(node -p 'try { require("./bench/llamacpp/node_modules/node-llama-cpp/package.json").version } catch { "" }')
if [ "$have" != "$want" ]; then
  (cd bench/llamacpp && npm ci --no-audit --no-fund >&2)
fi

go build -o "$dir/speedcal" ./bench/speedcal
"$dir/speedcal" -dir "$dir" -prompt "$prompt" -gen "$gen" "${threads[@]}" "${big[@]}" >"$dir/estimates.jsonl"

: >"$dir/measured.jsonl"
while IFS=$'\t' read -r model file threads; do
  echo "llama.cpp: $model, $threads threads" >&2
  node bench/llamacpp/speed.mjs "$file" "$threads" "$prompt" "$gen" "$repeat" </dev/null >>"$dir/measured.jsonl"
done < <(node -e '
  for (const l of require("fs").readFileSync(process.argv[1], "utf8").split("\n"))
    if (l.trim()) { const e = JSON.parse(l); console.log([e.model, e.file, e.threads].join("\t")); }
' "$dir/estimates.jsonl")

node bench/llamacpp/speedtable.mjs "$dir/estimates.jsonl" "$dir/measured.jsonl"
