#!/usr/bin/env bash
# Issue 12 item 8: modelbrowser's memory estimate (FIT_POLICY.md section 3)
# against llama.cpp itself. Writes zero-weight GGUF files of real shapes
# (bench/fitcal, sparse: ~1-2 GB each on paper, a few MB on disk), loads each
# with the llama.cpp that node-llama-cpp ships prebuilt (bench/llamacpp, CPU,
# flash attention on, micro-batch 512) at every context, one node process per
# run so that peak RSS is per run, and prints a markdown table.
#
#   bench/fitcal.sh                   # files and logs in /tmp/modelbrowser-fitcal
#   FITCAL_DIR=/some/dir bench/fitcal.sh
#   FITCAL_CTX=2048,8192 bench/fitcal.sh
#   FITCAL_TOKENS=1024 bench/fitcal.sh  # a prompt of 1024 tokens, not a short sentence
#
# Needs Go, Node >= 20 and npm; `npm ci` into bench/llamacpp (once) needs the
# npm registry. Takes a few minutes on two cores. Not a test: nothing here
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
"$dir/fitcal" -dir "$dir" -ctx "$ctxs" >"$dir/estimates.jsonl"

: >"$dir/measured.jsonl"
while IFS=$'\t' read -r model file ctx; do
  echo "llama.cpp: $model at $ctx tokens" >&2
  node bench/llamacpp/measure.mjs "$file" "$ctx" --log "$dir/logs/$model-$ctx.log" "${tokens[@]}" </dev/null >>"$dir/measured.jsonl"
done < <(node -e '
  for (const l of require("fs").readFileSync(process.argv[1], "utf8").split("\n"))
    if (l.trim()) { const e = JSON.parse(l); console.log([e.model, e.file, e.ctx].join("\t")); }
' "$dir/estimates.jsonl")

node bench/llamacpp/table.mjs "$dir/estimates.jsonl" "$dir/measured.jsonl"
