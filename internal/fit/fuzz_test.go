package fit

import (
	"strings"
	"testing"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/gguf"
)

// FuzzVariantsAndJudge feeds arbitrary file lists and shapes through the
// whole pipeline: no panic, unique labels, largest first, and levels only
// for complete variants.
func FuzzVariantsAndJudge(f *testing.F) {
	f.Add("a-Q4_K_M.gguf\nb/x-00001-of-00002.gguf\nmodel.safetensors", uint64(1000), uint64(26), uint64(8), uint64(512), int64(32768), uint64(4096))
	f.Add("Q8_0/m-00002-of-00003.gguf\nmmproj-f16.gguf\nmtp/x.gguf", uint64(1<<63), uint64(1<<16), uint64(1<<40), uint64(0), int64(-1), uint64(0))
	f.Fuzz(func(t *testing.T, list string, size, layers, heads, window uint64, nCtx int64, avail uint64) {
		var fs []File
		for i, p := range strings.Split(list, "\n") {
			file := File{Path: p}
			if i%3 != 2 {
				file.Size = u64(size + uint64(i))
			}
			fs = append(fs, file)
		}
		l := Variants(Repo{Files: fs, Parameters: map[string]uint64{"BF16": size}})
		seen := map[string]bool{}
		for i, v := range l.Variants {
			if seen[v.Name] {
				t.Fatalf("duplicate label %q in %q", v.Name, names(l.Variants))
			}
			seen[v.Name] = true
			if i > 0 && v.SizeKnown && l.Variants[i-1].SizeKnown && v.Size > l.Variants[i-1].Size {
				t.Fatalf("not largest first: %q", names(l.Variants))
			}
		}
		var shape *Shape
		if s, ok := FromGGUF(gguf.Info{Architecture: "gemma3", BlockCount: layers % (MaxLayers + 2), HeadCount: heads, HeadCountKV: []uint64{heads}, EmbeddingLength: heads * 64, SlidingWindow: window, VocabSize: size}); ok == nil {
			shape = &s
		}
		res := Judge(Input{Listing: l, Shape: shape, ModelContext: nCtx, Context: nCtx % 200000, Workers: compat.DefaultCatalog().Workers,
			Recommended: "llm-worker-rbee-cuda", Machine: Machine{OS: "linux", CPU: Memory{Available: u64(avail)}, GPUs: []GPU{{Free: avail / 2}}}})
		for i, v := range res.Variants {
			for w, lv := range v.Fit {
				if (lv == nil) == l.Variants[i].Complete {
					t.Fatalf("%s on %s: level %v, complete %v", v.Name, w, lv, l.Variants[i].Complete)
				}
			}
		}
	})
}
