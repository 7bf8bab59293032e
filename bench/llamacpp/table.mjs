// Sets modelbrowser's estimates (bench/fitcal, JSON lines) beside llama.cpp's
// measurements (measure.mjs, JSON lines) and prints a markdown table. Used by
// bench/fitcal.sh.
//
//   node table.mjs ESTIMATES.jsonl MEASUREMENTS.jsonl
//
// Sizes are MiB with two decimals, llama.cpp's own precision; "=" means equal
// at that precision, else the difference measured - estimated is shown.
// It exits 1 when a run did not use micro-batch 512 with flash attention, or a
// figure is missing, so a table is never printed for conditions it does not
// describe. A run fitcal.sh skipped for want of memory is a row saying so.
// "term" is the part of the compute estimate that decides it: "out" (the
// output layer) or "layer" (one layer's activations and the KQ masks).
// "repack" is the second copy of the weights llama.cpp keeps for the CPU
// (CPU_REPACK, Q4_0 on x86), which the estimate does not count.
import fs from "node:fs";

const [estFile, measFile] = process.argv.slice(2);
if (!estFile || !measFile) {
    console.error("usage: node table.mjs ESTIMATES.jsonl MEASUREMENTS.jsonl");
    process.exit(2);
}
const read = f => fs.readFileSync(f, "utf8").split("\n").filter(l => l.trim() !== "").map(l => JSON.parse(l));
const estimates = read(estFile);
const measured = new Map(read(measFile).map(m => [`${m.file}@${m.ctx}`, m]));

const MiB = 1024 * 1024;
const mib = b => (b / MiB).toFixed(2);
// "a = e" when equal at two decimals of MiB, else "a vs e (+d)".
function cmp(actual, estimate) {
    const a = mib(actual), e = mib(estimate);
    if (a === e) return `${a} = ${e}`;
    const d = (actual - estimate) / MiB;
    return `${a} vs ${e} (${d > 0 ? "+" : ""}${d.toFixed(2)})`;
}

const rows = [];
let bad = 0, inRange = 0, skipped = 0;
for (const e of estimates) {
    const m = measured.get(`${e.file}@${e.ctx}`);
    if (m?.skipped) {
        skipped++;
        rows.push([e.model, e.ctx, "–", `skipped: ${m.skipped}`, "", "", "", "", "", mib(e.low), mib(e.high), "", "–"]);
        continue;
    }
    const missing = m == null ? ["the run"] :
        ["kv", "compute", "model_buffer", "peak_rss"].filter(k => m[k] == null);
    if (missing.length > 0) {
        console.error(`${e.model} at ${e.ctx}: no ${missing.join(", ")} measured`);
        bad++;
        continue;
    }
    if (m.n_ubatch !== 512 || m.flash_attn !== "enabled" || m.n_ctx !== e.ctx) {
        console.error(`${e.model} at ${e.ctx}: llama.cpp ran with n_ctx ${m.n_ctx}, n_ubatch ${m.n_ubatch}, flash_attn ${m.flash_attn}`);
        bad++;
        continue;
    }
    const ok = e.low <= m.peak_rss && m.peak_rss <= e.high;
    if (ok) inRange++;
    rows.push([
        e.model, e.ctx, m.tokens,
        cmp(m.kv, e.kv),
        cmp(m.compute, e.compute),
        e.compute_layer > e.compute_out ? "layer" : "out",
        cmp(m.model_buffer, e.weights),
        m.repack ? mib(m.repack) : "–",
        mib(m.peak_rss), mib(e.low), mib(e.high),
        `${m.peak_rss >= e.low ? "+" : ""}${mib(m.peak_rss - e.low)}`,
        ok ? "yes" : "**no**",
    ]);
}
const head = ["model", "ctx", "prompt tokens", "KV: llama.cpp vs estimate", "compute: llama.cpp vs estimate", "term",
    "model buffer vs weights (file size)", "repack", "peak RSS", "low", "high", "RSS − low", "low ≤ RSS ≤ high"];
console.log(`| ${head.join(" | ")} |`);
console.log(`|${head.map((_, i) => i < 1 || i === 5 ? "---" : "---:").join("|")}|`);
for (const r of rows)
    console.log(`| ${r.join(" | ")} |`);
console.log();
const ran = rows.length - skipped;
console.log(`All sizes in MiB (2^20 bytes). ${inRange} of ${ran} runs have peak RSS between low and high` +
    (skipped > 0 ? `; ${skipped} skipped for want of memory.` : "."));
process.exit(bad > 0 ? 1 : 0);
