#!/usr/bin/env bash
# Interop with the official JavaScript client, both ways (GET_POLICY.md
# section 7), against the fake Hub on loopback:
#   1. modelbrowser get writes a GGUF and a safetensors variant; @huggingface/hub's
#      scanCacheDir lists both repos, their commit, refs/main and every file;
#   2. @huggingface/hub's downloadFileToCacheDir writes a file; modelbrowser get
#      of the variant it belongs to fetches no byte of it.
# Needs go, node and npm; installs @huggingface/hub from package-lock.json (npm ci).
#   bench/interop/interop.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."
work=$(mktemp -d)
trap 'kill $hub_pid 2>/dev/null || true; rm -rf "$work"' EXIT
(cd "$here" && npm ci --no-audit --no-fund --silent)
go build -o "$work/modelbrowser" ./cmd/modelbrowser
go build -o "$work/fakehub" ./internal/hf/hubtest/cmd/fakehub
"$work/fakehub" >"$work/hub.url" 2>"$work/hub.log" &
hub_pid=$!
for _ in $(seq 50); do [ -s "$work/hub.url" ] && break; sleep 0.1; done
export HF_ENDPOINT=$(head -1 "$work/hub.url") HF_HUB_CACHE="$work/hub" MODELBROWSER_CACHE_DIR="$work/mbcache" HF_TOKEN=
fail() { echo "interop: FAIL: $*" >&2; exit 1; }

# 1. What get wrote, scanCacheDir finds.
gguf=$("$work/modelbrowser" get getorg/tiny-GGUF:Q4_K_M 2>/dev/null)
st=$("$work/modelbrowser" get getorg/tiny-safetensors 2>/dev/null)
scan=$(node "$here/interop.mjs" scan "$HF_HUB_CACHE")
node -e '
const s = JSON.parse(process.argv[1]);
const want = { "getorg/tiny-GGUF": ["tiny-Q4_K_M.gguf"], "getorg/tiny-safetensors": ["chat_template.jinja", "config.json",
  "generation_config.json", "merges.txt", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
  "model.safetensors.index.json", "tokenizer.json", "tokenizer_config.json"] };
if (s.warnings.length) throw new Error("scan warnings: " + s.warnings.join("; "));
for (const [id, files] of Object.entries(want)) {
  const r = s.repos.find((x) => x.id === id);
  if (!r || r.revisions.length !== 1) throw new Error(id + ": not one revision: " + JSON.stringify(r));
  const v = r.revisions[0];
  if (JSON.stringify(v.refs) !== JSON.stringify(["main"])) throw new Error(id + ": refs " + v.refs);
  if (JSON.stringify(v.files.map((f) => f.path)) !== JSON.stringify([...files].sort((a, b) => a.localeCompare(b)))) throw new Error(id + ": files " + JSON.stringify(v.files));
  if (v.files.some((f) => !(f.size > 0))) throw new Error(id + ": a file without its blob");
  console.log("scanCacheDir lists " + id + " @ " + v.commit.slice(0, 12) + " (refs/main, " + v.files.length + " files)");
}' "$scan" || fail "scanCacheDir does not list what get wrote"
[[ "$gguf" == */snapshots/*/tiny-Q4_K_M.gguf && "$st" == */snapshots/* ]] || fail "paths $gguf $st"

# 2. What downloadFileToCacheDir wrote, get does not fetch again.
js=$(node "$here/interop.mjs" download "$HF_HUB_CACHE" getorg/tiny-GGUF tiny-Q8_0.gguf)
before=$(grep -c '/repos/' "$work/hub.log" || true)
mb=$("$work/modelbrowser" get getorg/tiny-GGUF:Q8_0 2>"$work/get.err")
after=$(grep -c '/repos/' "$work/hub.log" || true)
[ "$js" = "$mb" ] || fail "downloadFileToCacheDir wrote $js, get printed $mb"
[ "$before" = "$after" ] || fail "get fetched the file again ($((after - before)) requests to the file storage)"
[ ! -s "$work/get.err" ] || fail "get said: $(cat "$work/get.err")"
echo "get reuses what downloadFileToCacheDir wrote: 0 bytes fetched, $mb"
echo "interop: OK"
