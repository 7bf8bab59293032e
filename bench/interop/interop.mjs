// The official JavaScript client's side of bench/interop/interop.sh:
//   node interop.mjs scan CACHE_DIR                 -> JSON of what scanCacheDir finds
//   node interop.mjs download CACHE_DIR REPO PATH   -> the path downloadFileToCacheDir wrote
import { scanCacheDir, downloadFileToCacheDir } from "@huggingface/hub";

const [mode, cacheDir, repo, path] = process.argv.slice(2);
const hubUrl = process.env.HF_ENDPOINT;
console.debug = () => {}; // its "Downloading ..." line is not ours to print

if (mode === "scan") {
  const info = await scanCacheDir(cacheDir);
  const repos = info.repos.map((r) => ({
    id: r.id.name,
    type: r.id.type,
    revisions: r.revisions.map((v) => ({
      commit: v.commitOid,
      refs: [...v.refs].sort(),
      files: v.files.map((f) => ({ path: f.path.startsWith(v.path + "/") ? f.path.slice(v.path.length + 1) : f.path, size: f.blob.size })).sort((a, b) => a.path.localeCompare(b.path)),
    })),
  }));
  console.log(JSON.stringify({ repos, warnings: info.warnings.map((w) => String(w)) }));
} else if (mode === "download") {
  console.log(await downloadFileToCacheDir({ repo, path, hubUrl, cacheDir }));
} else {
  console.error("usage: node interop.mjs scan CACHE_DIR | download CACHE_DIR REPO PATH");
  process.exit(2);
}
