#!/usr/bin/env bash
# Budget D of BENCHMARKS.md: the resident memory of the real TUI process
# with 10,000 models loaded. A fake Hub serves 10,000 synthetic models (plus
# its fixtures); the browser runs in a detached tmux session of 120x40 and
# is paged to the end of the listing by pressing G until the footer no
# longer says "more on the Hub" (the browser asks 50 models a page, so about
# 200 pages). Then it shows every model (c), goes to the last row and back,
# and VmRSS and VmHWM (the peak) are read from /proc/PID/status.
#
#   bench/tui_rss.sh        # needs tmux
set -euo pipefail
cd "$(dirname "$0")/.."
command -v tmux >/dev/null || { echo "tui_rss.sh needs tmux" >&2; exit 1; }

work=$(mktemp -d)
session=mb-rss-$$
cleanup() {
  tmux kill-session -t "$session" 2>/dev/null || true
  kill "$hub_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
go build -o "$work/modelbrowser" ./cmd/modelbrowser
go build -o "$work/fakehub" ./internal/hf/hubtest/cmd/fakehub
"$work/fakehub" -page-size 1000 -synthetic 10000 >"$work/url" 2>/dev/null &
hub_pid=$!
for _ in $(seq 50); do [ -s "$work/url" ] && break; sleep 0.1; done
url=$(head -1 "$work/url")

tmux new-session -d -s "$session" -x 120 -y 40 \
  "env HF_ENDPOINT=$url HF_TOKEN= MODELBROWSER_CACHE_DIR=$work/cache NO_COLOR=1 $work/modelbrowser"
footer() { tmux capture-pane -p -t "$session" | grep -E " shown" | tail -1; }
for _ in $(seq 100); do [ -n "$(footer)" ] && break; sleep 0.1; done
presses=0
while footer | grep -q "more on the Hub"; do
  tmux send-keys -t "$session" G
  presses=$((presses + 1))
  [ "$presses" -lt 2000 ] || { echo "the listing did not end: $(footer)" >&2; exit 1; }
  sleep 0.05
done
tmux send-keys -t "$session" c
sleep 0.5
tmux send-keys -t "$session" G
sleep 0.5
tmux send-keys -t "$session" g
sleep 1
pid=$(tmux list-panes -t "$session" -F '#{pane_pid}')
# The pane runs env, which execs the browser: the pane's pid is the browser.
echo "after $presses presses of G: $(footer | sed 's/  */ /g')"
echo "process: $(cat "/proc/$pid/comm") (pid $pid)"
grep -E '^(VmRSS|VmHWM)' "/proc/$pid/status"
