#!/usr/bin/env bash
# Budgets A and B of BENCHMARKS.md: list and judge 500 models, whole process,
# against a fake Hub on loopback that answers from memory (pages of 100, full
# expand fields), compared with the official JavaScript client doing the same
# listing and with the bare transfer floor (one curl process fetching the same
# five pages over one connection).
#
#   bench/compare.sh            # modelbrowser and curl only
#   bench/compare.sh --with-js  # also installs @huggingface/hub with npm (bench/js) and times it
#
# ROUNDS (default 9) rounds are run, the tools alternating within each round;
# the medians and the median of the per-round ratios are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-9}
WITH_JS=0
[ "${1:-}" = "--with-js" ] && WITH_JS=1

work=$(mktemp -d)
trap 'kill $hub_pid 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/modelbrowser" ./cmd/modelbrowser
go build -o "$work/fakehub" ./internal/hf/hubtest/cmd/fakehub

"$work/fakehub" -page-size 100 -synthetic 500 >"$work/url" 2>/dev/null &
hub_pid=$!
for _ in $(seq 50); do [ -s "$work/url" ] && break; sleep 0.1; done
url=$(head -1 "$work/url")
export HF_ENDPOINT=$url HF_TOKEN= HF_HUB_OFFLINE=

if [ "$WITH_JS" = 1 ]; then
  (cd bench/js && npm ci --no-audit --no-fund >/dev/null)
fi

# The five page URLs modelbrowser asks for, taken from the Link headers.
expand=$(go run ./bench/expandquery)
page="$url/api/models?$expand&limit=100&sort=downloads"
: >"$work/pages"
for _ in 1 2 3 4 5; do
  echo "$page" >>"$work/pages"
  next=$(curl -s -D - -o /dev/null "$page" | tr -d '\r' | sed -n 's/^[Ll]ink: *<\([^>]*\)>; *rel="next".*/\1/p')
  [ -n "$next" ] || break
  page=$next
done
[ "$(wc -l <"$work/pages")" = 5 ] || { echo "expected 5 pages" >&2; exit 1; }
curl_args=()
while read -r u; do curl_args+=(-o /dev/null "$u"); done <"$work/pages"

ms() { # run a command, print its wall time in milliseconds (to 0.1 ms)
  local s e
  s=$(date +%s%N)
  "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
  e=$(date +%s%N)
  awk -v d=$((e - s)) 'BEGIN {printf "%.1f\n", d / 1e6}'
}

mb_cold() { # the cache is emptied before, outside the timing (see the loop)
  MODELBROWSER_CACHE_DIR="$work/cache" "$work/modelbrowser" search "" --all --limit 500 --json --no-context
}
mb_warm() {
  MODELBROWSER_CACHE_DIR="$work/cache" "$work/modelbrowser" search "" --all --limit 500 --json --no-context
}
js() { node bench/js/list.mjs 500; }
floor() { curl -s "${curl_args[@]}"; }
# The least a whole modelbrowser process costs here: exec, runtime and
# package initialisation, one line out. The floor under the warm run.
start() { "$work/modelbrowser" version; }

# sanity: modelbrowser prints 500 results
n=$(MODELBROWSER_CACHE_DIR="$work/check" "$work/modelbrowser" search "" --all --limit 500 --json --no-context | grep -c '"recommended_worker"')
[ "$n" = 500 ] || { echo "modelbrowser printed $n results, not 500" >&2; exit 1; }

: >"$work/cold"; : >"$work/warm"; : >"$work/js"; : >"$work/floor"; : >"$work/start"
for _ in $(seq "$ROUNDS"); do
  rm -rf "$work/cache"
  ms mb_cold >>"$work/cold"
  ms mb_warm >>"$work/warm"
  ms floor >>"$work/floor"
  ms start >>"$work/start"
  [ "$WITH_JS" = 1 ] && ms js >>"$work/js"
done

median() { sort -n "$1" | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
spread() { sort -n "$1" | awk 'NR==1{lo=$1} {hi=$1} END {print lo "-" hi}'; }
ratio() { paste "$1" "$2" | awk '{print $1/$2}' >"$work/r"; median "$work/r"; }

echo "rounds: $ROUNDS (ms, median and min-max)"
echo "modelbrowser cold: $(median "$work/cold") ($(spread "$work/cold"))"
echo "modelbrowser warm: $(median "$work/warm") ($(spread "$work/warm"))"
echo "curl floor:        $(median "$work/floor") ($(spread "$work/floor"))"
echo "modelbrowser start: $(median "$work/start") ($(spread "$work/start"))  (modelbrowser version: the floor under warm)"
if [ "$WITH_JS" = 1 ]; then
  echo "JS client:         $(median "$work/js") ($(spread "$work/js"))"
  echo "cold / JS:         $(ratio "$work/cold" "$work/js")  (budget <= 0.25)"
fi
echo "cold / floor:      $(ratio "$work/cold" "$work/floor")  (budget <= 2.5)"
echo "warm / start:      $(ratio "$work/warm" "$work/start")  (budget B <= 3: a cached search costs about a process start)"
