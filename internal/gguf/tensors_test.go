package gguf

import (
	"bytes"
	"errors"
	"testing"
)

// The 8B header (bartowski's Meta-Llama-3.1-8B-Instruct GGUFs have these
// 292 tensors): block and output bytes counted by hand for Q8_0 (34 bytes
// per 32 weights; norms F32).
func TestReadTensorsLlama31_8B(t *testing.T) {
	f, err := NewPreset(PresetLlama31_8B, Q8_0)
	if err != nil {
		t.Fatal(err)
	}
	data := header(t, f)
	info, n, err := ReadWith(bytes.NewReader(data), 16<<20, Options{Tensors: true})
	if err != nil {
		t.Fatal(err)
	}
	if n > int64(len(data)) || n < int64(len(data))-DefaultAlignment {
		// It stops at the end of the tensor infos, before the padding.
		t.Errorf("consumed %d of %d bytes", n, len(data))
	}
	ts := info.Tensors
	if ts == nil {
		t.Fatal("no tensor sums")
	}
	q8 := func(elems uint64) uint64 { return elems / 32 * 34 }
	block := 2*4096*4 + 2*q8(4096*4096) + 2*q8(4096*1024) + 3*q8(4096*14336)
	if block != 231768064 {
		t.Fatalf("hand count %d", block)
	}
	if ts.Count != 292 || len(ts.Blocks) != 32 {
		t.Fatalf("count %d, %d blocks", ts.Count, len(ts.Blocks))
	}
	for i, b := range ts.Blocks {
		if b != block {
			t.Errorf("block %d: %d bytes, want %d", i, b, block)
		}
	}
	if want := q8(4096 * 128256); ts.Output != want || ts.TokenEmbd != want || ts.OutputParams != 4096*128256 {
		t.Errorf("output %d, token_embd %d, want %d each", ts.Output, ts.TokenEmbd, want)
	}
	if ts.OutputNorm != 4096*4 || ts.Other != 64*4 {
		t.Errorf("output_norm %d, other %d", ts.OutputNorm, ts.Other)
	}
	if ts.Tied() || !ts.Complete() {
		t.Errorf("tied %v complete %v", ts.Tied(), ts.Complete())
	}
	if len(ts.Types) != 1 || ts.Types[0].Type != "Q8_0" || ts.Types[0].Params != 32*(2*4096*4096+2*4096*1024+3*4096*14336) {
		t.Errorf("types %+v", ts.Types)
	}
	_, size, _ := f.Layout()
	if got := ts.Total(); got > size || size-got > uint64(len(data))+32*300 {
		t.Errorf("tensor bytes %d in a %d-byte file", got, size)
	}
	// The shape is the same as without tensors.
	plain, err := Read(bytes.NewReader(data), 16<<20)
	if err != nil {
		t.Fatal(err)
	}
	info.Tensors = nil
	if plain.BlockCount != info.BlockCount || plain.VocabSize != info.VocabSize || plain.FeedForward != info.FeedForward {
		t.Errorf("shape differs: %+v vs %+v", plain, info)
	}
}

func TestReadTensorsTied(t *testing.T) {
	for _, name := range []string{PresetQwen25_05B, PresetLlama32_1B, PresetGemma3_1B} {
		f, err := NewPreset(name, Q4_0)
		if err != nil {
			t.Fatal(err)
		}
		info, _, err := ReadWith(bytes.NewReader(header(t, f)), 16<<20, Options{Tensors: true})
		if err != nil || info.Tensors == nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !info.Tensors.Tied() || info.Tensors.Output != 0 || info.Tensors.TokenEmbd == 0 {
			t.Errorf("%s: want tied, got %+v", name, info.Tensors)
		}
	}
}

// Part 1 of a split holds some tensors: the sums say so (not complete, so
// not known to be tied).
func TestReadTensorsSplit(t *testing.T) {
	f, err := NewPreset(PresetLlama32_1B, F16)
	if err != nil {
		t.Fatal(err)
	}
	all := len(f.Tensors)
	f.Tensors = f.Tensors[:40]
	f.KVs = append(f.KVs, KV{"split.no", uint16(0)}, KV{"split.count", uint16(3)}, KV{"split.tensors.count", int32(all)})
	info, _, err := ReadWith(bytes.NewReader(header(t, f)), 16<<20, Options{Tensors: true})
	if err != nil {
		t.Fatal(err)
	}
	ts := info.Tensors
	if ts.Split != 3 || ts.SplitTensors != uint64(all) || ts.Count != 40 || ts.Complete() || ts.Tied() {
		t.Errorf("split sums %+v", ts)
	}
}

func TestReadTensorsBounds(t *testing.T) {
	f, err := NewPreset(PresetQwen25_05B, Q8_0)
	if err != nil {
		t.Fatal(err)
	}
	data := header(t, f)
	// The whole header is needed: a limit that ends inside the tensor
	// infos fails, as does input that ends there.
	if _, _, err := ReadWith(bytes.NewReader(data), int64(len(data))-2000, Options{Tensors: true}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("limit inside the tensor infos: %v", err)
	}
	if _, _, err := ReadWith(bytes.NewReader(data[:len(data)-2000]), 16<<20, Options{Tensors: true}); !errors.Is(err, ErrTruncated) {
		t.Errorf("truncated tensor infos: %v", err)
	}
	// Without the option the same prefix is plenty.
	if _, n, err := ReadCount(bytes.NewReader(data[:4096]), 16<<20); err != nil || n > 4096 {
		t.Errorf("without tensors: %v after %d", err, n)
	}
	// A type this package cannot size: no sums, no error.
	f.Tensors[3].Type = GGMLType(200)
	info, _, err := ReadWith(bytes.NewReader(header(t, f)), 16<<20, Options{Tensors: true})
	if err != nil || info.Tensors != nil || info.BlockCount != 24 {
		t.Errorf("unknown type: %v, %+v", err, info.Tensors)
	}
	// An absurd dimension count is malformed.
	g := small()
	g.Tensors[0].Dims = []uint64{64, 4}
	b := header(t, g)
	i := bytes.LastIndex(b, []byte("token_embd.weight")) + len("token_embd.weight")
	b[i] = 9 // n_dims
	if _, _, err := ReadWith(bytes.NewReader(b), 16<<20, Options{Tensors: true}); !errors.Is(err, ErrFormat) {
		t.Errorf("9 dimensions: %v", err)
	}
}

func TestTypeSizes(t *testing.T) {
	// ggml's block sizes for the types the Hub's files use.
	for typ, want := range map[GGMLType][2]uint64{Q4_K: {256, 144}, Q6_K: {256, 210}, IQ4_XS: {256, 136},
		IQ3_XXS: {256, 98}, IQ2_XXS: {256, 66}, IQ1_S: {256, 50}, IQ1_M: {256, 56}, TQ1_0: {256, 54}, MXFP4: {32, 17}, IQ4_NL: {32, 18}} {
		got, err := typ.Bytes(want[0], want[0]*4)
		if err != nil || got != 4*want[1] {
			t.Errorf("%v: %d %v, want %d", typ, got, err, 4*want[1])
		}
	}
}
