#!/usr/bin/env bash
# Issue 12 item 8, issue 16 item 6: modelbrowser's memory estimate
# (FIT_POLICY.md section 3) against llama.cpp itself. Writes zero-weight GGUF
# files of real shapes (bench/fitcal, sparse: 0.7-7.7 GB each on paper, a few
# MB on disk), loads each
# with the llama.cpp that node-llama-cpp ships prebuilt (bench/llamacpp, CPU,
# flash attention on, micro-batch 512) at every context, one node process per
# run so that peak RSS is per run, and prints a markdown table.
#
#   bench/fitcal.sh                   # files and logs in /tmp/modelbrowser-fitcal
#   FITCAL_DIR=/some/dir bench/fitcal.sh
#   FITCAL_CTX=2048,8192 bench/fitcal.sh
#   FITCAL_TOKENS=1024 bench/fitcal.sh  # a prompt of 1024 tokens, not a short sentence
#   FITCAL_ONLY=mistral,phi,Q4_0 bench/fitcal.sh  # only the files whose model name has one of these
#
# A run whose estimate (`high`) plus 1 GiB exceeds the memory available at
# the time (MemAvailable) is skipped and shown as such, not started: the
# machine is shared, and a zero-weight file still fills its pages when
# llama.cpp maps and reads it.
#
# Needs Go, Node >= 20 and npm; `npm ci` into bench/llamacpp (once) needs the
# npm registry. Takes about 20 minutes on two busy cores (23 runs). Not a test: nothing here
# runs in `go test ./...`.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${FITCAL_DIR:-/tmp/modelbrowser-fitcal}
ctxs=${FITCAL_CTX:-2048,8192,32768}
tokens=()
[ -n "${FITCAL_TOKENS:-}" ] && tokens=(--tokens "$FITCAL_TOKENS")
mkdir -p "$dir/logs"

want=$(node -p 'require("./bench/llamacpp/package.json").dependencies["node-llama-cpp"]')
have=$(node -p 'try { require("./bench/llamacpp/node_modules/node-llama-cpp/package.json").version } catch { "" }')
if [ "$have" != "$want" ]; then
  (cd bench/llamacpp && npm ci --no-audit --no-fund >&2)
fi

go build -o "$dir/fitcal" ./bench/fitcal
"$dir/fitcal" -dir "$dir" -ctx "$ctxs" -only "${FITCAL_ONLY:-}" >"$dir/estimates.jsonl"

: >"$dir/measured.jsonl"
while IFS=$'\t' read -r model file ctx high; do
  avail=$(awk '/^MemAvailable:/ { printf "%.0f\n", $2 * 1024 }' /proc/meminfo)
  if [ -n "$avail" ] && [ $((high + (1 << 30))) -gt "$avail" ]; then
    echo "llama.cpp: $model at $ctx tokens skipped: high $((high >> 20)) MiB, $((avail >> 20)) MiB available" >&2
    printf '{"file":"%s","ctx":%s,"skipped":"high %s MiB + 1 GiB > %s MiB available"}\n' \
      "$file" "$ctx" "$((high >> 20))" "$((avail >> 20))" >>"$dir/measured.jsonl"
    continue
  fi
  echo "llama.cpp: $model at $ctx tokens" >&2
  node bench/llamacpp/measure.mjs "$file" "$ctx" --log "$dir/logs/$model-$ctx.log" "${tokens[@]}" </dev/null >>"$dir/measured.jsonl"
done < <(node -e '
  for (const l of require("fs").readFileSync(process.argv[1], "utf8").split("\n"))
    if (l.trim()) { const e = JSON.parse(l); console.log([e.model, e.file, e.ctx, e.high].join("\t")); }
' "$dir/estimates.jsonl")

node bench/llamacpp/table.mjs "$dir/estimates.jsonl" "$dir/measured.jsonl"
