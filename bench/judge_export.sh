#!/usr/bin/env bash
# Measures issue 19's figures (BENCHMARKS.md, "judge and export"):
#   1. judge against `jq -c .` on 100,000 JSON lines of real list items (the
#      recorded list pages of internal/hf/testdata/hub-recordings, repeated),
#      wall and CPU time and peak RSS, ROUNDS rounds interleaved;
#   2. export's pages per second against the fake Hub on loopback (pages of
#      500 and of 100);
#   3. the share of compatible models in the recorded real list pages.
# Needs jq and GNU time (/usr/bin/time). Nothing goes to the network.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
SYNTHETIC=${SYNTHETIC:-50000}
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT
go build -o "$tmp/modelbrowser" ./cmd/modelbrowser
go build -o "$tmp/fakehub" ./internal/hf/hubtest/cmd/fakehub
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/config MODELBROWSER_CACHE_DIR=$tmp/cache
unset HF_TOKEN HUGGING_FACE_HUB_TOKEN

rec=internal/hf/testdata/hub-recordings
pages=$(ls $rec/list__*.json | grep -v headers)
for f in $pages; do jq -c '.[]' "$f"; done > "$tmp/real.jsonl"
real=$(wc -l < "$tmp/real.jsonl")
: > "$tmp/in.jsonl"
while [ "$(wc -l < "$tmp/in.jsonl")" -lt 100000 ]; do cat "$tmp/real.jsonl" >> "$tmp/in.jsonl"; done
head -100000 "$tmp/in.jsonl" > "$tmp/100k.jsonl"
echo "input: 100,000 lines ($(wc -c < "$tmp/100k.jsonl") bytes) from $real real list items"

echo "== judge vs jq -c . (wall s, user+sys s, max RSS KB)"
for i in $(seq "$ROUNDS"); do
  /usr/bin/time -f "jq    %e %U %S %M" jq -c . "$tmp/100k.jsonl" > /dev/null
  /usr/bin/time -f "judge %e %U %S %M" "$tmp/modelbrowser" judge "$tmp/100k.jsonl" > /dev/null
done 2>&1 | tee "$tmp/times"
awk '{w[$1]=w[$1]" "$2; c[$1]=c[$1]" "($3+$4); m[$1]=($5>m[$1]?$5:m[$1])}
  END {for (k in w) print k, "wall:" w[k], "| cpu:" c[k], "| peak RSS KB:", m[k]}' "$tmp/times"

echo "== export against the fake Hub ($SYNTHETIC generated models)"
for size in 500 100; do
  "$tmp/fakehub" -page-size "$size" -synthetic "$SYNTHETIC" > "$tmp/url" 2> /dev/null &
  pid=$!
  while [ ! -s "$tmp/url" ]; do sleep 0.1; done
  export HF_ENDPOINT=$(head -1 "$tmp/url")
  for i in 1 2 3; do
    rm -f "$tmp/out.jsonl" "$tmp/out.jsonl.state"
    /usr/bin/time -f "pages of $size: %e s wall, %M KB peak RSS" "$tmp/modelbrowser" export --all --out "$tmp/out.jsonl" 2>&1 | tail -2
  done
  kill $pid; wait $pid 2>/dev/null || true
  rm -f "$tmp/url"
done

echo "== compatible share of the recorded real list pages"
total=0; kept=0
for f in $pages; do
  n=$(jq length "$f"); k=$("$tmp/modelbrowser" judge --compatible-only "$f" | wc -l)
  echo "$(basename "$f"): $k of $n"
  total=$((total + n)); kept=$((kept + k))
done
echo "all: $kept of $total ($(awk "BEGIN {printf \"%.1f\", 100*$kept/$total}")%)"
