// Command fitcal writes zero-weight GGUF files of real shapes (the presets of
// internal/gguf) and prints modelbrowser's memory estimate for each at a few
// contexts, one JSON object per line, for bench/fitcal.sh to set beside what
// llama.cpp itself reports when it loads the same files.
//
//	go run ./bench/fitcal -dir /tmp/fitcal [-ctx 2048,8192,32768] [-only mistral,phi]
//
// The estimate goes the way modelbrowser's own does for a file on the Hub:
// the header is read back from the written file with gguf.Read, turned into a
// shape with fit.FromGGUF, and the file's size is the weights. Every figure is
// in bytes, for the cpu device (no reserve). The compute buffer is the
// amended rule of FIT_POLICY.md section 3, max(out, layer), computed here
// until internal/fit has it (see computeBuffer).
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json"

	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/gguf"
)

// file is one GGUF file to write: a preset in one weight type, whole or cut
// to its first few layers, and the contexts to judge it at.
type file struct {
	preset string
	typ    gguf.GGMLType
	// blocks, when not 0, keeps only the first blocks layers of the preset:
	// the compute buffer is one layer's (or the output's) and does not
	// change, while the KV cache and the weights shrink to what this
	// machine can hold at 131072 tokens (Phi-3-mini's whole KV cache there
	// is 48 GiB, Mistral 7B's 16 GiB).
	blocks uint64
	// ctxs are the contexts; nil means those of -ctx.
	ctxs []int64
}

// long are the contexts of the small-vocabulary shapes, where one layer's
// activations and the KQ masks decide the compute buffer.
var long = []int64{2048, 32768, 131072}

// files are the models of the comparison: every large-vocabulary preset in
// Q8_0, the smallest also in F16 (one model at two weight sizes), Llama 3.2
// 1B in Q4_0 (which llama.cpp repacks on x86 CPUs, beside the mapped file),
// and the small-vocabulary Mistral 7B and Phi-3-mini: whole where this
// machine holds them, and cut to 4 of their 32 layers at every context.
var files = []file{
	{preset: gguf.PresetQwen25_05B, typ: gguf.Q8_0},
	{preset: gguf.PresetQwen25_05B, typ: gguf.F16},
	{preset: gguf.PresetLlama32_1B, typ: gguf.Q8_0},
	{preset: gguf.PresetGemma3_1B, typ: gguf.Q8_0},
	{preset: gguf.PresetLlama32_1B, typ: gguf.Q4_0, ctxs: []int64{2048, 32768}},
	{preset: gguf.PresetMistral7B, typ: gguf.Q8_0, ctxs: []int64{2048, 32768}},
	{preset: gguf.PresetMistral7B, typ: gguf.Q8_0, blocks: 4, ctxs: long},
	{preset: gguf.PresetPhi3Mini, typ: gguf.Q8_0, ctxs: []int64{2048}},
	{preset: gguf.PresetPhi3Mini, typ: gguf.Q8_0, blocks: 4, ctxs: long},
}

// line is one output record: the estimate of one file at one context.
type line struct {
	// Model is preset[-NofM layers]-TYPE, e.g. "qwen2.5-0.5b-Q8_0",
	// "mistral-7b-v0.3-4of32L-Q8_0".
	Model         string `json:"model"`
	File          string `json:"file"`
	Ctx           int64  `json:"ctx"`
	Layers        int    `json:"layers"`
	SlidingLayers int    `json:"sliding_layers"`
	Vocab         uint64 `json:"vocab"`
	Embedding     uint64 `json:"embedding"`
	FeedForward   uint64 `json:"feed_forward"`
	Weights       uint64 `json:"weights"`
	KV            uint64 `json:"kv"`
	Compute       uint64 `json:"compute"`
	ComputeOut    uint64 `json:"compute_out"`   // the output layer's activations
	ComputeLayer  uint64 `json:"compute_layer"` // one layer's activations and the KQ masks
	Low           uint64 `json:"low"`
	High          uint64 `json:"high"`
}

func main() {
	dir := flag.String("dir", "", "directory to write the sparse GGUF files into (created if missing)")
	ctxs := flag.String("ctx", "2048,8192,32768", "comma-separated contexts, in tokens, for the files without their own")
	only := flag.String("only", "", "comma-separated parts of model names: write and judge only the files whose name has one")
	flag.Parse()
	if err := run(*dir, *ctxs, *only); err != nil {
		fmt.Fprintln(os.Stderr, "fitcal:", err)
		os.Exit(1)
	}
}

func run(dir, ctxList, only string) error {
	if dir == "" {
		return errors.New("-dir is required")
	}
	if flag.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", flag.Arg(0))
	}
	ctxs, err := parseContexts(ctxList)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	n := 0
	for _, f := range files {
		if !selected(modelName(f), only) {
			continue
		}
		n++
		c := f.ctxs
		if c == nil {
			c = ctxs
		}
		lines, err := estimate(dir, f, c)
		if err != nil {
			return err
		}
		for _, l := range lines {
			b, err := json.Marshal(l)
			if err != nil {
				return err
			}
			fmt.Printf("%s\n", b)
		}
	}
	if n == 0 {
		return fmt.Errorf("-only %q: no model name has any of these", only)
	}
	return nil
}

// selected reports whether name has one of the comma-separated parts of
// only, or only is empty.
func selected(name, only string) bool {
	if strings.TrimSpace(only) == "" {
		return true
	}
	for _, part := range strings.Split(only, ",") {
		if p := strings.TrimSpace(part); p != "" && strings.Contains(name, p) {
			return true
		}
	}
	return false
}

// modelName is preset[-NofML]-TYPE.
func modelName(f file) string {
	if f.blocks == 0 {
		return f.preset + "-" + f.typ.String()
	}
	all, err := gguf.PresetShape(f.preset)
	if err != nil {
		return f.preset + "-" + f.typ.String()
	}
	return fmt.Sprintf("%s-%dof%dL-%s", f.preset, f.blocks, all.Blocks, f.typ.String())
}

// cut keeps the first blocks layers of h: their tensors, the block count,
// and the tensors' offsets laid out anew.
func cut(h *gguf.File, arch string, blocks uint64) error {
	key := arch + ".block_count"
	found := false
	for i, kv := range h.KVs {
		if kv.Key == key {
			h.KVs[i].Value = uint32(blocks)
			found = true
		}
	}
	if !found {
		return fmt.Errorf("no %s key to cut", key)
	}
	kept := h.Tensors[:0]
	for _, t := range h.Tensors {
		var n uint64
		if _, err := fmt.Sscanf(t.Name, "blk.%d.", &n); err == nil && n >= blocks {
			continue
		}
		kept = append(kept, t)
	}
	h.Tensors = kept
	_, err := gguf.AssignOffsets(h.Tensors, h.Alignment())
	return err
}

// computeBuffer is the compute buffer of FIT_POLICY.md section 3 as amended
// for a micro-batch of 512: max(out, layer), where out = (n_vocab + 2 x
// n_embd) x 512 x 4 and layer = (3 x n_ff + 4 x n_embd) x 512 x 4 plus the
// f16 KQ masks (pad(n_ctx) x 512 x 2 when a layer is full-attention, and
// min(pad(n_ctx), pad(window + 512)) x 512 x 2 when one slides); out alone
// when n_ff is unknown (0). The figure is fit.ComputeBuffer's own; out and
// layer are split out for the table.
func computeBuffer(s fit.Shape, nFF uint64, nCtx int64) (compute, out, layer uint64) {
	const ub = fit.UBatch
	s.FeedForward = 0
	out = fit.ComputeBuffer(s, nCtx) // (n_vocab + 2 x n_embd) x 512 x 4, 64 MiB when n_vocab is unknown
	if nFF == 0 {
		return out, out, 0
	}
	s.FeedForward = nFF
	compute = fit.ComputeBuffer(s, nCtx) // max(out, layer): the estimate's own figure
	var masks uint64
	if s.SlidingLayers() < s.Layers {
		masks += fit.Cells(nCtx, false, 0) * ub * 2
	}
	if s.SlidingLayers() > 0 {
		masks += fit.Cells(nCtx, true, s.Window) * ub * 2
	}
	layer = (3*nFF+4*s.Embedding)*ub*4 + masks
	return compute, out, layer
}

// parseContexts reads "2048,8192" into token counts.
func parseContexts(s string) ([]int64, error) {
	var out []int64
	for _, part := range strings.Split(s, ",") {
		n, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("-ctx: %q is not a positive number of tokens", part)
		}
		out = append(out, n)
	}
	return out, nil
}

// estimate writes f as a sparse file in dir, reads its header back and
// returns the estimate at each context.
func estimate(dir string, f file, ctxs []int64) ([]line, error) {
	name := modelName(f)
	h, err := gguf.NewPreset(f.preset, f.typ)
	if err != nil {
		return nil, err
	}
	// The preset's n_ff is what the header says ({arch}.feed_forward_length,
	// which fit.FromGGUF reads): the table shows it beside the shape.
	preset, err := gguf.PresetShape(f.preset)
	if err != nil {
		return nil, err
	}
	if f.blocks > 0 {
		if f.blocks >= preset.Blocks {
			return nil, fmt.Errorf("%s: cannot keep %d of %d layers", name, f.blocks, preset.Blocks)
		}
		if err := cut(h, preset.Arch, f.blocks); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	path := filepath.Join(dir, name+".gguf")
	// WriteSparseFile makes a new file: replace any earlier one.
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	size, err := h.WriteSparseFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	shape, err := readShape(path)
	if err != nil {
		return nil, err
	}
	var out []line
	for _, n := range ctxs {
		e := fit.NewEstimate(&size, &shape, n, fit.DeviceCPU)
		if e.KV == nil || e.Compute == nil || e.Low == nil || e.High == nil {
			return nil, fmt.Errorf("%s: the estimate at %d tokens has unknown parts", path, n)
		}
		compute, cOut, cLayer := computeBuffer(shape, preset.FeedForward, n)
		out = append(out, line{
			Model: name, File: path, Ctx: n, Layers: shape.Layers,
			SlidingLayers: shape.SlidingLayers(), Vocab: shape.Vocab, Embedding: shape.Embedding,
			FeedForward: preset.FeedForward, Weights: size, KV: *e.KV,
			Compute: compute, ComputeOut: cOut, ComputeLayer: cLayer,
			Low: *e.Low, High: *e.High,
		})
	}
	return out, nil
}

// readShape reads the header of the GGUF file at path as modelbrowser reads
// one from the Hub (at most 16 MiB) and turns it into a shape.
func readShape(path string) (fit.Shape, error) {
	r, err := os.Open(path)
	if err != nil {
		return fit.Shape{}, err
	}
	defer r.Close()
	info, err := gguf.Read(r, 16<<20)
	if err != nil {
		return fit.Shape{}, fmt.Errorf("%s: %w", path, err)
	}
	shape, why := fit.FromGGUF(info)
	if why != nil {
		return fit.Shape{}, fmt.Errorf("%s: %s", path, why.Message)
	}
	return shape, nil
}
