package gguf

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

func TestPresetsRoundTrip(t *testing.T) {
	// Parameter counts of the real models (safetensors metadata on the Hub;
	// Qwen's is general.parameter_count in testdata/ollama-convert-kv__Qwen__*),
	// plus llama.cpp's rope_freqs tensor for Llama 3.2.
	params := map[string]uint64{
		PresetQwen25_05B: 494032768,
		PresetLlama32_1B: 1235814400 + 32,
		PresetGemma3_1B:  999885952,
		PresetMistral7B:  7248023552,
		// plus the two rope factor tensors of 48 values each
		PresetPhi3Mini: 3821079552 + 2*48,
		// meta-llama/Llama-3.1-8B-Instruct's safetensors total, plus rope_freqs.
		PresetLlama31_8B: 8030261248 + 64,
	}
	tensors := map[string]int{PresetQwen25_05B: 2 + 24*12, PresetLlama32_1B: 3 + 16*9, PresetGemma3_1B: 2 + 26*13,
		PresetMistral7B: 3 + 32*9, PresetPhi3Mini: 5 + 32*6,
		PresetLlama31_8B: 4 + 32*9} // 292, as in bartowski's GGUFs
	if got := Presets(); !reflect.DeepEqual(got, []string{PresetGemma3_1B, PresetLlama31_8B, PresetLlama32_1B, PresetMistral7B, PresetPhi3Mini, PresetQwen25_05B}) {
		t.Fatalf("Presets() = %v", got)
	}
	for _, name := range Presets() {
		for _, w := range []GGMLType{F16, Q8_0} {
			t.Run(name+"/"+w.String(), func(t *testing.T) {
				f, err := NewPreset(name, w)
				if err != nil {
					t.Fatal(err)
				}
				s, _ := PresetShape(name)
				data := header(t, f)
				info, n, err := ReadCount(bytes.NewReader(data), limit)
				if err != nil {
					t.Fatal(err)
				}
				want := Info{Architecture: s.Arch, BlockCount: s.Blocks, ContextLength: s.Context,
					EmbeddingLength: s.Embedding, HeadCount: s.Heads, HeadCountKV: []uint64{s.HeadsKV},
					SlidingWindow: s.SlidingWindow, VocabSize: uint64(s.Vocab), FeedForward: s.FeedForward}
				if presets[name].headDimKeys {
					want.KeyLength, want.ValueLength = s.HeadDim, s.HeadDim
				}
				if !reflect.DeepEqual(info, want) {
					t.Errorf("info = %+v\nwant   %+v", info, want)
				}
				// The compute estimate needs the feed-forward width (FIT_POLICY section 3).
				var ff any
				for _, kv := range f.KVs {
					if kv.Key == s.Arch+".feed_forward_length" {
						ff = kv.Value
					}
				}
				if ff != uint32(s.FeedForward) || s.FeedForward == 0 {
					t.Errorf("%s.feed_forward_length = %v, want %d", s.Arch, ff, s.FeedForward)
				}
				if n > 2048 || len(data) < 4*s.Vocab { // the header holds the tokenizer, >= 4 bytes a token
					t.Errorf("consumed %d bytes of a %d-byte header: should stop at the tokens' array header", n, len(data))
				}
				if len(f.Tensors) != tensors[name] {
					t.Errorf("%d tensors, want %d", len(f.Tensors), tensors[name])
				}
				var elems, f32Elems, wElems uint64
				for _, ti := range f.Tensors {
					e := uint64(1)
					for _, d := range ti.Dims {
						e *= d
					}
					elems += e
					switch ti.Type {
					case F32:
						f32Elems += e
					case w:
						wElems += e
					default:
						t.Errorf("tensor %s has type %v", ti.Name, ti.Type)
					}
				}
				if elems != params[name] {
					t.Errorf("%d parameters, want %d", elems, params[name])
				}
				off, size, err := f.Layout()
				if err != nil {
					t.Fatal(err)
				}
				if off != uint64(len(data)) || off%DefaultAlignment != 0 {
					t.Errorf("data offset %d, header %d bytes", off, len(data))
				}
				if w == F16 {
					// Every F16 and F32 tensor here is a multiple of 32 bytes: no padding.
					if want := off + 2*wElems + 4*f32Elems; size != want {
						t.Errorf("file size %d, want %d", size, want)
					}
				} else if size < off+wElems*34/32+4*f32Elems {
					t.Errorf("Q8_0 file size %d is too small", size)
				}
				t.Logf("header %d bytes, file %d bytes, read %d", len(data), size, n)
			})
		}
	}
	if _, err := NewPreset("gpt-5", F16); err == nil || !strings.Contains(err.Error(), "unknown preset") {
		t.Errorf("unknown preset: err = %v", err)
	}
	if _, err := NewPreset(PresetGemma3_1B, Q4_K); err == nil {
		t.Error("Q4_K weights: want an error (no general.file_type for it here)")
	}
}

// The tensor names of the presets are the ones converters write for these
// architectures: compare with the tensors of real converted models.
func TestPresetTensorNames(t *testing.T) {
	names := func(t *testing.T, file string) []string {
		data, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		var kv map[string]any
		if err := json.Unmarshal(data, &kv); err != nil {
			t.Fatal(err)
		}
		var out []string
		for k := range kv {
			if strings.HasSuffix(k, ".weight") || strings.HasSuffix(k, ".bias") {
				out = append(out, k)
			}
		}
		sort.Strings(out)
		return out
	}
	presetNames := func(t *testing.T, name string) []string {
		f, err := NewPreset(name, F16)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, ti := range f.Tensors {
			out = append(out, ti.Name)
		}
		sort.Strings(out)
		return out
	}
	t.Run("qwen2 equal", func(t *testing.T) {
		got, want := presetNames(t, PresetQwen25_05B), names(t, "ollama-convert-kv__Qwen__Qwen2.5-0.5B-Instruct.json")
		if !reflect.DeepEqual(got, want) {
			t.Errorf("qwen2 tensors differ from the converted model's:\n got %v\nwant %v", got, want)
		}
	})
	t.Run("mistral equal", func(t *testing.T) {
		// v0.3 differs from v0.2 in its vocabulary only.
		got, want := presetNames(t, PresetMistral7B), names(t, "ollama-convert-kv__mistralai__Mistral-7B-Instruct-v0.2.json")
		if !reflect.DeepEqual(got, want) {
			t.Errorf("mistral tensors differ from the converted model's:\n got %v\nwant %v", got, want)
		}
	})
	t.Run("phi3 equal", func(t *testing.T) {
		got, want := presetNames(t, PresetPhi3Mini), names(t, "ollama-convert-kv__microsoft__Phi-3-mini-128k-instruct.json")
		if !reflect.DeepEqual(got, want) {
			t.Errorf("phi3 tensors differ from the converted model's:\n got %v\nwant %v", got, want)
		}
	})
	t.Run("llama layers", func(t *testing.T) {
		// Llama 3 8B is not tied (it has output.weight) and has 32 layers; its
		// per-layer names must be the preset's.
		layer := func(ns []string) []string {
			var out []string
			for _, n := range ns {
				if strings.HasPrefix(n, "blk.0.") || !strings.HasPrefix(n, "blk.") {
					out = append(out, n)
				}
			}
			return out
		}
		got := layer(presetNames(t, PresetLlama32_1B))
		want := append(layer(names(t, "ollama-convert-kv__meta-llama__Meta-Llama-3-8B-Instruct.json")), "rope_freqs.weight")
		want = slicesDelete(want, "output.weight")
		sort.Strings(want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("llama tensors:\n got %v\nwant %v", got, want)
		}
	})
}

func slicesDelete(s []string, v string) []string {
	var out []string
	for _, x := range s {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}

func TestPresetTokenizer(t *testing.T) {
	for _, name := range Presets() {
		f, err := NewPreset(name, F16)
		if err != nil {
			t.Fatal(err)
		}
		var tokens StringArray
		for _, kv := range f.KVs {
			if kv.Key == "tokenizer.ggml.tokens" {
				tokens = kv.Value.(StringArray)
			}
		}
		seen := make(map[string]bool, tokens.Len)
		for i := 0; i < tokens.Len; i++ {
			s := tokens.At(i)
			if s == "" || seen[s] {
				t.Fatalf("%s: token %d %q is empty or repeated: llama.cpp needs unique tokens", name, i, s)
			}
			seen[s] = true
		}
		// llama.cpp looks up the newline byte token.
		newline := "\u010a" // GPT-2 byte-level "\n"
		if name == PresetGemma3_1B || name == PresetMistral7B || name == PresetPhi3Mini {
			newline = "<0x0A>"
		}
		if !seen[newline] {
			t.Errorf("%s: no newline byte token %q", name, newline)
		}
	}
}

func TestWriteSparseFile(t *testing.T) {
	f, err := NewPreset(PresetQwen25_05B, Q8_0)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "qwen.gguf")
	size, err := f.WriteSparseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if uint64(st.Size()) != size {
		t.Errorf("file is %d bytes, WriteSparseFile said %d", st.Size(), size)
	}
	_, want, _ := f.Layout()
	if size != want {
		t.Errorf("size %d, Layout %d", size, want)
	}
	in, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	info, err := Read(in, limit)
	if err != nil || info.Architecture != "qwen2" || info.VocabSize != 151936 {
		t.Errorf("read back: %+v, %v", info, err)
	}
}

func TestAssignOffsetsAndAlignment(t *testing.T) {
	ts := []TensorInfo{
		{Name: "a", Dims: []uint64{32, 3}, Type: Q8_0}, // 102 bytes
		{Name: "b", Dims: []uint64{5}, Type: F32},      // 20 bytes
		{Name: "c", Dims: []uint64{256, 2}, Type: Q4_K},
	}
	total, err := AssignOffsets(ts, 64)
	if err != nil {
		t.Fatal(err)
	}
	if ts[0].Offset != 0 || ts[1].Offset != 128 || ts[2].Offset != 192 || total != 192+320 {
		t.Errorf("offsets %d %d %d, total %d", ts[0].Offset, ts[1].Offset, ts[2].Offset, total)
	}
	f := &File{KVs: []KV{{"general.alignment", uint32(64)}}, Tensors: ts}
	off, size, err := f.Layout()
	if err != nil {
		t.Fatal(err)
	}
	if off%64 != 0 || size != off+total {
		t.Errorf("Layout = %d, %d", off, size)
	}
	for _, tc := range []struct {
		name string
		ti   TensorInfo
	}{
		{"Q8_0 row not a multiple of 32", TensorInfo{Name: "x", Dims: []uint64{33}, Type: Q8_0}},
		{"unknown type", TensorInfo{Name: "x", Dims: []uint64{32}, Type: 99}},
		{"no dims", TensorInfo{Name: "x", Type: F32}},
		{"five dims", TensorInfo{Name: "x", Dims: []uint64{1, 1, 1, 1, 1}, Type: F32}},
		{"zero dim", TensorInfo{Name: "x", Dims: []uint64{4, 0}, Type: F32}},
		{"overflow", TensorInfo{Name: "x", Dims: []uint64{1 << 40, 1 << 40}, Type: F32}},
	} {
		if _, err := AssignOffsets([]TensorInfo{tc.ti}, 32); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	bad := &File{Tensors: []TensorInfo{{Name: "x", Dims: []uint64{4}, Type: F32, Offset: 3}}}
	if _, _, err := bad.Layout(); err == nil {
		t.Error("misaligned offset: no error")
	}
}

func TestWriteHeaderErrors(t *testing.T) {
	for _, f := range []*File{
		{KVs: []KV{{"x", struct{}{}}}},
		{KVs: []KV{{"x", 3}}}, // int: which width?
		{Version: 4},
		{Tensors: []TensorInfo{{Name: "x", Type: F32}}},
	} {
		if _, err := f.WriteHeader(new(bytes.Buffer)); err == nil {
			t.Errorf("%+v: no error", f)
		}
	}
}

func TestWriteEveryType(t *testing.T) {
	f := &File{KVs: []KV{
		{"u8", uint8(1)}, {"i8", int8(-1)}, {"u16", uint16(2)}, {"i16", int16(-2)},
		{"u32", uint32(3)}, {"i32", int32(-3)}, {"u64", uint64(4)}, {"i64", int64(-4)},
		{"f32", float32(1.5)}, {"f64", 2.5}, {"b", true}, {"s", "str"},
		{"au8", []uint8{1}}, {"ai8", []int8{-1}}, {"au16", []uint16{1}}, {"ai16", []int16{-1}},
		{"au32", []uint32{1}}, {"ai32", []int32{-1}}, {"au64", []uint64{1}}, {"ai64", []int64{-1}},
		{"af32", []float32{1}}, {"af64", []float64{1}}, {"ab", []bool{true}}, {"as", []string{"a", ""}},
		{"general.architecture", "x"},
	}}
	data := header(t, f)
	// Hand-computed size: magic+version+2 counts, each key (8+len) + type (4)
	// + value, padded to 32.
	valueSizes := []int{1, 1, 2, 2, 4, 4, 8, 8, 4, 8, 1, 8 + 3,
		13, 13, 14, 14, 16, 16, 20, 20, 16, 20, 13, 12 + 8 + 1 + 8,
		8 + 1}
	n := 4 + 4 + 8 + 8
	for i, kv := range f.KVs {
		n += 8 + len(kv.Key) + 4 + valueSizes[i]
	}
	n = (n + 31) / 32 * 32
	if len(data) != n {
		t.Errorf("header is %d bytes, want %d", len(data), n)
	}
	info, err := Read(bytes.NewReader(data), limit)
	if err != nil || info.Architecture != "x" {
		t.Errorf("Read: %+v, %v", info, err)
	}
}
