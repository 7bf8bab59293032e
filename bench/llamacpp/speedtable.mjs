// Prints the markdown table of bench/speed.sh: per file, modelbrowser's
// decode and prompt bands beside llama.cpp's measured speeds, and how many
// measurements fall inside their band.
//
//   node speedtable.mjs estimates.jsonl measured.jsonl
import fs from "node:fs";

const read = f => fs.readFileSync(f, "utf8").split("\n").filter(l => l.trim()).map(l => JSON.parse(l));
const [estFile, measFile] = process.argv.slice(2);
const measured = new Map(read(measFile).map(m => [m.file, m]));
const band = b => `~${b[1]} (${b[0]}-${b[2]})`;
const inside = (x, b) => x >= b[0] && x <= b[2];
const pct = (x, mid) => `${x >= mid ? "+" : ""}${Math.round((x / mid - 1) * 100)}%`;
let n = 0, inD = 0, inP = 0, inDc = 0, inPc = 0, gb = 0;
console.log("| file | size | decode band | decode: wall | CPU time | CPU vs mid | prompt band | prompt: wall | CPU time | CPU vs mid |");
console.log("|---|---:|---|---:|---:|---:|---|---:|---:|---:|");
for (const e of read(estFile)) {
    const m = measured.get(e.file);
    if (!m) continue;
    n++;
    if (inside(m.decode, e.decode)) inD++;
    if (inside(m.prompt, e.prompt)) inP++;
    if (inside(m.decode_cpu, e.decode)) inDc++;
    if (inside(m.prompt_cpu, e.prompt)) inPc++;
    gb = e.bandwidth / 1e9;
    console.log(`| ${e.model} | ${(e.size / 2 ** 30).toFixed(2)} GiB | ${band(e.decode)} | ${m.decode} | ${m.decode_cpu} | ${pct(m.decode_cpu, e.decode[1])} | ${band(e.prompt)} | ${m.prompt} | ${m.prompt_cpu} | ${pct(m.prompt_cpu, e.prompt[1])} |`);
}
console.log(`\nInside the band: decode ${inD} of ${n} by the wall clock, ${inDc} of ${n} by CPU time; prompt ${inP} of ${n} by the wall clock, ${inPc} of ${n} by CPU time (tok/s; ${n ? `${read(estFile)[0].threads} threads, probed bandwidth ${gb.toFixed(1)} GB/s` : ""}).`);
