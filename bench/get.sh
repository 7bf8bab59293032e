#!/usr/bin/env bash
# The get and local figures of BENCHMARKS.md, in one run each:
#   1. get against curl on the same 1 GiB file served by the fake Hub's file
#      storage on loopback, paced (PACE bytes/s, default 100 MiB/s) so the link
#      and not the CPU is the limit; curl writes the file, get writes and hashes it;
#   2. the peak RSS of get downloading a 4 GiB file (unpaced);
#   3. the time `local` takes on a cache of 50 repos laid out by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
PACE=${PACE:-104857600}
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
go build -o "$work/modelbrowser" ./cmd/modelbrowser
go build -o "$work/fakehub" ./internal/hf/hubtest/cmd/fakehub
start_hub() { # size pace
  "$work/fakehub" -quiet -big "$1" -pace "$2" >"$work/hub.url" 2>/dev/null &
  pids+=($!)
  for _ in $(seq 600); do [ -s "$work/hub.url" ] && break; sleep 0.1; done
  HF_ENDPOINT=$(head -1 "$work/hub.url")
  export HF_ENDPOINT
}
now() { date +%s.%N; }
export MODELBROWSER_CACHE_DIR="$work/mb" HF_TOKEN=

# 1. 1 GiB, paced: curl then get.
start_hub $((1 << 30)) "$PACE"
sha=$(curl -s "$HF_ENDPOINT/api/models/bench/big-GGUF" | sed 's/.*"sha":"\([0-9a-f]*\)".*/\1/')
t0=$(now); curl -sfL -o "$work/curl.out" "$HF_ENDPOINT/bench/big-GGUF/resolve/$sha/big-Q4_K_M.gguf"; t1=$(now)
rm -f "$work/curl.out"
t2=$(now); HF_HUB_CACHE="$work/hub1" "$work/modelbrowser" get bench/big-GGUF:Q4_K_M >/dev/null 2>&1; t3=$(now)
rm -rf "$work/hub1"
kill "${pids[-1]}"
awk -v c="$(echo "$t1 - $t0" | bc)" -v g="$(echo "$t3 - $t2" | bc)" -v n=$((1 << 30)) 'BEGIN {
  printf "1 GiB paced: curl %.2f s (%.0f MiB/s), get %.2f s (%.0f MiB/s), get/curl rate %.2fx\n", c, n/c/1048576, g, n/g/1048576, c/g }'

# 2. 4 GiB unpaced: peak RSS.
start_hub $((4 << 30)) 0
t0=$(now)
HF_HUB_CACHE="$work/hub4" /usr/bin/time -f "%M" -o "$work/rss" "$work/modelbrowser" get bench/big-GGUF:Q4_K_M >/dev/null 2>&1
t1=$(now)
kill "${pids[-1]}"
echo "4 GiB unpaced: $(echo "$t1 - $t0" | bc) s, peak RSS $(( $(cat "$work/rss") / 1024 )) MiB"
rm -rf "$work/hub4"

# 3. local on 50 repos (one 3 MiB GGUF each, a real header, laid out as huggingface_hub does).
start_hub $((1 << 20)) 0
HF_HUB_CACHE="$work/seed" "$work/modelbrowser" get getorg/tiny-GGUF:Q4_K_M >/dev/null 2>&1
src=$(find "$work/seed" -path '*blobs/*' -type f | head -1)
for i in $(seq 50); do
  d="$work/hub50/models--org$i--model$i-GGUF"; sha=$(printf '%040x' "$i"); etag=$(printf '%064x' "$i")
  mkdir -p "$d/blobs" "$d/snapshots/$sha" "$d/refs"
  cp "$src" "$d/blobs/$etag"; ln -s "../../blobs/$etag" "$d/snapshots/$sha/model$i-Q4_K_M.gguf"; printf %s "$sha" >"$d/refs/main"
done
HF_HUB_CACHE="$work/hub50" "$work/modelbrowser" local >/dev/null # warm the page cache
t0=$(now); HF_HUB_CACHE="$work/hub50" "$work/modelbrowser" local >"$work/local.out"; t1=$(now)
echo "local on 50 repos: $(echo "($t1 - $t0) * 1000" | bc | cut -d. -f1) ms, $(($(wc -l <"$work/local.out") - 2)) rows"
