// Loads one GGUF file with the llama.cpp that node-llama-cpp ships prebuilt,
// on the CPU, resident in memory (mmap off), with THREADS threads; evaluates
// a prompt of PROMPT tokens, then generates GEN tokens one at a time, and
// prints one JSON line: prompt and decode speed in tokens per second (the
// best of REPEAT runs of each, on a fresh sequence), by the wall clock and
// by this process's CPU time (user + system, all threads): on a machine
// shared with other work the wall clock measures the sharing, while with
// one thread the CPU-time rate is what the thread does when it runs.
// Used by bench/speed.sh.
//
//   node speed.mjs FILE.gguf THREADS [PROMPT] [GEN] [REPEAT]
import {getLlama, LlamaLogLevel} from "node-llama-cpp";

const [modelPath, threadsArg, promptArg = "128", genArg = "32", repeatArg = "2"] = process.argv.slice(2);
const threads = Number(threadsArg), promptTokens = Number(promptArg), gen = Number(genArg), repeat = Number(repeatArg);
if (!modelPath || ![threads, promptTokens, gen, repeat].every(n => Number.isInteger(n) && n > 0)) {
    console.error("usage: node speed.mjs FILE.gguf THREADS [PROMPT] [GEN] [REPEAT]");
    process.exit(2);
}

const llama = await getLlama({gpu: false, build: "never", logLevel: LlamaLogLevel.error});
const model = await llama.loadModel({modelPath, gpuLayers: 0, useMmap: false});
const context = await model.createContext({contextSize: 2048, batchSize: 512, threads, flashAttention: true});

const one = model.tokenize("The quick brown fox jumps over the lazy dog.\nHello, world!");
let tokens = one;
while (tokens.length < promptTokens)
    tokens = tokens.concat(one);
tokens = tokens.slice(0, promptTokens);

let bestPrompt = 0, bestDecode = 0, bestPromptCPU = 0, bestDecodeCPU = 0;
const cpuSec = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
for (let r = 0; r < repeat; r++) {
    const sequence = context.getSequence();
    let t0 = performance.now(), c0 = cpuSec();
    await sequence.evaluateWithoutGeneratingNewTokens(tokens);
    const promptSec = (performance.now() - t0) / 1000;
    bestPrompt = Math.max(bestPrompt, promptTokens / promptSec);
    bestPromptCPU = Math.max(bestPromptCPU, promptTokens * threads / (cpuSec() - c0));

    // Generate: the first token's evaluation starts the clock; each next
    // token costs one decode.
    let n = 0;
    t0 = 0;
    for await (const _ of sequence.evaluate([tokens[0]])) {
        if (n === 0) {
            t0 = performance.now();
            c0 = cpuSec();
        }
        else if (n >= gen)
            break;
        n++;
    }
    const decodeSec = (performance.now() - t0) / 1000;
    bestDecode = Math.max(bestDecode, (n - 1) / decodeSec);
    bestDecodeCPU = Math.max(bestDecodeCPU, (n - 1) * threads / (cpuSec() - c0));
    sequence.dispose();
}
console.log(JSON.stringify({file: modelPath, threads, prompt_tokens: promptTokens, gen_tokens: gen,
    prompt: Math.round(bestPrompt * 10) / 10, decode: Math.round(bestDecode * 10) / 10,
    prompt_cpu: Math.round(bestPromptCPU * 10) / 10, decode_cpu: Math.round(bestDecodeCPU * 10) / 10}));
await context.dispose();
await model.dispose();
