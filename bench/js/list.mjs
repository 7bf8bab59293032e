// Lists models with the official JS client against HF_ENDPOINT, the same
// listing `modelbrowser search "" --all --limit 500 --json --no-context` does.
import { listModels } from "@huggingface/hub";

const hubUrl = process.env.HF_ENDPOINT;
const limit = Number(process.argv[2] ?? 500);
let n = 0;
for await (const m of listModels({
  hubUrl,
  limit,
  additionalFields: ["config", "safetensors", "tags", "library_name", "filePaths", "gguf"],
})) {
  if (m.id) n++;
}
if (n !== limit) {
  console.error(`listed ${n}, wanted ${limit}`);
  process.exit(1);
}
