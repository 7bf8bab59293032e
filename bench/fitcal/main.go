// Command fitcal writes zero-weight GGUF files of real shapes (the presets of
// internal/gguf) and prints modelbrowser's memory estimate for each at a few
// contexts, one JSON object per line, for bench/fitcal.sh to set beside what
// llama.cpp itself reports when it loads the same files.
//
//	go run ./bench/fitcal -dir /tmp/fitcal [-ctx 2048,8192,32768]
//
// The estimate goes the way modelbrowser's own does for a file on the Hub:
// the header is read back from the written file with gguf.Read, turned into a
// shape with fit.FromGGUF, and the file's size is the weights. Every figure is
// in bytes, for the cpu device (no reserve).
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

// file is one GGUF file to write: a preset in one weight type.
type file struct {
	preset string
	typ    gguf.GGMLType
}

// files are the models of the comparison: every preset in Q8_0, and the
// smallest also in F16, so that one model is seen at two weight sizes.
var files = []file{
	{gguf.PresetQwen25_05B, gguf.Q8_0},
	{gguf.PresetQwen25_05B, gguf.F16},
	{gguf.PresetLlama32_1B, gguf.Q8_0},
	{gguf.PresetGemma3_1B, gguf.Q8_0},
}

// line is one output record: the estimate of one file at one context.
type line struct {
	Model         string `json:"model"` // preset-TYPE, e.g. "qwen2.5-0.5b-Q8_0"
	File          string `json:"file"`
	Ctx           int64  `json:"ctx"`
	SlidingLayers int    `json:"sliding_layers"`
	Vocab         uint64 `json:"vocab"`
	Embedding     uint64 `json:"embedding"`
	Weights       uint64 `json:"weights"`
	KV            uint64 `json:"kv"`
	Compute       uint64 `json:"compute"`
	Low           uint64 `json:"low"`
	High          uint64 `json:"high"`
}

func main() {
	dir := flag.String("dir", "", "directory to write the sparse GGUF files into (created if missing)")
	ctxs := flag.String("ctx", "2048,8192,32768", "comma-separated contexts, in tokens")
	flag.Parse()
	if err := run(*dir, *ctxs); err != nil {
		fmt.Fprintln(os.Stderr, "fitcal:", err)
		os.Exit(1)
	}
}

func run(dir, ctxList string) error {
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
	for _, f := range files {
		lines, err := estimate(dir, f, ctxs)
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
	return nil
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
	name := f.preset + "-" + f.typ.String()
	h, err := gguf.NewPreset(f.preset, f.typ)
	if err != nil {
		return nil, err
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
		out = append(out, line{
			Model: name, File: path, Ctx: n,
			SlidingLayers: shape.SlidingLayers(), Vocab: shape.Vocab, Embedding: shape.Embedding,
			Weights: size, KV: *e.KV, Compute: *e.Compute, Low: *e.Low, High: *e.High,
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
