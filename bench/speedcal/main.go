// Command speedcal writes zero-weight GGUF files of real shapes (the presets
// of internal/gguf) and prints modelbrowser's CPU speed estimate for each on
// this machine (FIT_POLICY.md section 7), one JSON object per line, for
// bench/speed.sh to set beside what llama.cpp measures on the same files.
//
//	go run ./bench/speedcal -dir /tmp/speed [-prompt 128] [-gen 32] [-8b]
//
// The estimate goes the way modelbrowser's own does: the header (with its
// tensor infos) is read back from the written file, turned into a shape and
// the per-block weights, and judged with the bandwidth the probe measures
// here (256 MiB, one goroutine per physical core). Decode is estimated at the
// middle of the generated tokens (context position prompt + gen/2), prompt
// processing at an empty context.
//
// Zero weights: llama.cpp's CPU kernels do the same work whatever the values
// (no sparsity shortcuts), and with mmap off the weights are read into
// private memory, so zero pages are real pages. Random weights would cost
// writing gigabytes for the same speed.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/go-json-experiment/json"

	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/gguf"
	"github.com/modelbrowser/modelbrowser/internal/machine"
)

type file struct {
	preset string
	typ    gguf.GGMLType
}

// files: three shapes (one with sliding-window layers) in Q8_0 and Q4_0.
var files = []file{
	{gguf.PresetQwen25_05B, gguf.Q8_0}, {gguf.PresetQwen25_05B, gguf.Q4_0},
	{gguf.PresetLlama32_1B, gguf.Q8_0}, {gguf.PresetLlama32_1B, gguf.Q4_0},
	{gguf.PresetGemma3_1B, gguf.Q8_0}, {gguf.PresetGemma3_1B, gguf.Q4_0},
}

type line struct {
	Model     string   `json:"model"`
	File      string   `json:"file"`
	Size      uint64   `json:"size"`
	Threads   int      `json:"threads"`
	Bandwidth float64  `json:"bandwidth"` // bytes/s
	Position  int64    `json:"position"`
	Decode    fit.Band `json:"decode"`
	Prompt    fit.Band `json:"prompt"`
	Basis     string   `json:"basis"`
	Interp    []string `json:"interpolated,omitempty"`
}

func main() {
	dir := flag.String("dir", "", "directory for the sparse GGUF files (created if missing)")
	prompt := flag.Int64("prompt", 128, "prompt tokens the measurement evaluates")
	gen := flag.Int64("gen", 32, "tokens the measurement generates")
	big := flag.Bool("8b", false, "add the Llama 3.1 8B shape in Q4_0 (4.7 GB in memory)")
	threads := flag.Int("threads", 0, "llama.cpp's threads: the probe's goroutines and the estimate's threads (0: physical cores)")
	flag.Parse()
	if err := run(*dir, *prompt, *gen, *big, *threads); err != nil {
		fmt.Fprintln(os.Stderr, "speedcal:", err)
		os.Exit(1)
	}
}

func run(dir string, prompt, gen int64, big bool, threads int) error {
	if dir == "" {
		return errors.New("-dir is required")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if big {
		files = append(files, file{gguf.PresetLlama31_8B, gguf.Q4_0})
	}
	cpu := machine.CPUSpeed(machine.DefaultDeps())
	if threads > 0 && threads != cpu.Threads {
		cpu.Threads, cpu.Bandwidth = threads, machine.Bandwidth(machine.ProbeBytes, threads)
	}
	for _, f := range files {
		name := f.preset + "-" + f.typ.String()
		path := filepath.Join(dir, name+".gguf")
		h, err := gguf.NewPreset(f.preset, f.typ)
		if err != nil {
			return err
		}
		os.Remove(path)
		size, err := h.WriteSparseFile(path)
		if err != nil {
			return err
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		info, _, err := gguf.ReadWith(in, 16<<20, gguf.Options{Tensors: true})
		in.Close()
		if err != nil {
			return err
		}
		s, u := fit.FromGGUF(info)
		if u != nil {
			return fmt.Errorf("%s: %s", name, u.Message)
		}
		v := fit.Variant{Name: f.typ.String(), Format: "gguf", Files: []fit.File{{Path: name + ".gguf"}}, Size: size, SizeKnown: true, Complete: true}
		w := fit.WeightsOf(v, &fit.Tensors{File: name + ".gguf", Sums: info.Tensors}, &s)
		pos := prompt + gen/2
		d, p, interp, ok := fit.CPUDecode(fit.SpeedInput{Weights: *w, Size: size, Label: v.Name, Shape: s, Context: pos}, cpu)
		if !ok {
			return fmt.Errorf("this CPU (%s) is not calibrated", fit.CPUClassName(cpu.Class))
		}
		out, err := json.Marshal(line{Model: name, File: path, Size: size, Threads: cpu.Threads, Bandwidth: cpu.Bandwidth,
			Position: pos, Decode: d.Full, Prompt: p, Basis: w.Source, Interp: interp})
		if err != nil {
			return err
		}
		fmt.Println(string(out))
	}
	return nil
}
