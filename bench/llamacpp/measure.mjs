// Loads one GGUF file with the llama.cpp that node-llama-cpp ships prebuilt,
// on the CPU, at one context with flash attention on, evaluates a short
// prompt, and prints one JSON line: the buffer sizes llama.cpp itself logs
// (KV cache, compute, model, output; bytes, from its MiB figures) and this
// process's peak resident memory (VmHWM). Used by bench/fitcal.sh.
//
// The model buffer is the mapped file's ("CPU_Mapped model buffer size");
// weights llama.cpp repacks for the CPU (Q4_0 on x86: a second copy, beside
// the mapped one) are "repack" ("CPU_REPACK model buffer size").
//
//   node measure.mjs FILE.gguf CTX [BATCH] [--log LOGFILE] [--tokens N]
//
// The prompt is a short sentence (a few dozen tokens), or exactly N tokens of
// repeated text with --tokens N (at least 512 fills a whole micro-batch).
//
// BATCH defaults to 512, or 511 for a sliding-window model: node-llama-cpp
// adds 1 to the batch of those (LlamaContext: "+1 to handle edge cases with
// SWA KV cache"), and llama.cpp's micro-batch must be 512 as the estimate
// assumes. The n_batch and n_ubatch llama.cpp used are in the output.
import fs from "node:fs";
import {getLlama, LlamaLogLevel} from "node-llama-cpp";

const args = process.argv.slice(2);
let logFile = null;
const li = args.indexOf("--log");
if (li >= 0) {
    logFile = args[li + 1];
    args.splice(li, 2);
}
let promptTokens = null;
const ti = args.indexOf("--tokens");
if (ti >= 0) {
    promptTokens = Number(args[ti + 1]);
    args.splice(ti, 2);
}
const [modelPath, ctxArg, batchArg] = args;
const contextSize = Number(ctxArg);
if (!modelPath || !Number.isInteger(contextSize) || contextSize <= 0 ||
    (batchArg != null && !/^[1-9][0-9]*$/.test(batchArg)) ||
    (promptTokens != null && !(Number.isInteger(promptTokens) && promptTokens > 0 && promptTokens < contextSize))) {
    console.error("usage: node measure.mjs FILE.gguf CTX [BATCH] [--log LOGFILE] [--tokens N]  (0 < N < CTX)");
    process.exit(2);
}

// node-llama-cpp joins llama.cpp's fragments and hands the logger whole
// lines (one or more, without the last newline).
const lines = [];
function logger(level, message) {
    lines.push(...message.split("\n"));
}

const llama = await getLlama({gpu: false, build: "never", logLevel: LlamaLogLevel.debug, logger});
const model = await llama.loadModel({modelPath, gpuLayers: 0});
const swa = model.fileInsights.swaSize ?? 0;
const batchSize = batchArg != null ? Number(batchArg) : (swa > 0 ? 511 : 512);
const context = await model.createContext({contextSize, batchSize, flashAttention: true});
const sequence = context.getSequence();
const sentence = "The quick brown fox jumps over the lazy dog.\nHello, world!";
let tokens = model.tokenize(sentence);
if (promptTokens != null) {
    const one = tokens;
    while (tokens.length < promptTokens)
        tokens = tokens.concat(one);
    tokens = tokens.slice(0, promptTokens);
}
await sequence.evaluateWithoutGeneratingNewTokens(tokens);

function status(key) { // kB in /proc/self/status -> bytes
    const m = fs.readFileSync("/proc/self/status", "utf8").match(new RegExp(`^${key}:\\s+(\\d+) kB`, "m"));
    return m ? Number(m[1]) * 1024 : null;
}
const peakRSS = status("VmHWM");
const rss = status("VmRSS");

await context.dispose();
await model.dispose();

const MiB = 1024 * 1024;
// The sum, in bytes, of the MiB figures (two decimals: +-5243 bytes each) of
// every line matching re (group 1); null when none.
function sum(re) {
    let total = null;
    for (const l of lines) {
        const m = l.match(re);
        if (m) total = (total ?? 0) + Number(m[1]) * MiB;
    }
    return total == null ? null : Math.round(total);
}
// the value (group 1) of the last line matching re, or null.
function last(re) {
    let v = null;
    for (const l of lines) {
        const m = l.match(re);
        if (m) v = m[1];
    }
    return v;
}
// The compute buffer may be reserved more than once; each reservation logs
// it: keep the last (the one in use), and every distinct value seen.
const computes = lines.map(l => l.match(/compute buffer size =\s*([\d.]+) MiB/)).filter(Boolean).map(m => Math.round(Number(m[1]) * MiB));

const result = {
    file: modelPath,
    ctx: contextSize,
    batch_size: batchSize,
    n_ctx: Number(last(/llama_context: n_ctx\s+=\s*(\d+)/)),
    n_batch: Number(last(/llama_context: n_batch\s+=\s*(\d+)/)),
    n_ubatch: Number(last(/llama_context: n_ubatch\s+=\s*(\d+)/)),
    flash_attn: last(/llama_context: flash_attn\s+=\s*(\S+)/),
    swa: swa,
    tokens: tokens.length,
    // "llama_kv_cache: size = X MiB" (once per cache: twice for SWA models),
    // or the older "KV self size = X MiB".
    kv: sum(/(?:llama_kv_cache(?:_unified)?: size|KV self size)\s*=\s*([\d.]+) MiB/),
    compute: computes.length ? computes[computes.length - 1] : null,
    computes: [...new Set(computes)],
    model_buffer: sum(/(?<!REPACK) model buffer size =\s*([\d.]+) MiB/),
    repack: sum(/REPACK model buffer size =\s*([\d.]+) MiB/),
    output_buffer: sum(/output buffer size =\s*([\d.]+) MiB/),
    peak_rss: peakRSS,
    rss_end: rss,
};
if (logFile)
    fs.writeFileSync(logFile, lines.join("\n") + "\n");
console.log(JSON.stringify(result));
