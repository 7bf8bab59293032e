package gguf

import (
	"strconv"
	"strings"
)

// Tensors sums a GGUF file's tensor infos as the speed estimate and the
// layer split need them (FIT_POLICY.md section 7): the bytes of each block,
// of the output layer and of the token embedding, and the matmul weights'
// parameters and bytes per type. It describes the tensors of this file only:
// part 1 of a split model holds some of them (Split > 1).
type Tensors struct {
	// Count is the number of tensor infos in this file.
	Count uint64 `json:"n"`
	// Blocks is the bytes of each block's tensors (blk.N.*), by N.
	Blocks []uint64 `json:"blk"`
	// Output is the bytes of output.weight (and any other output.*), 0
	// when the file has none.
	Output uint64 `json:"out,omitzero"`
	// OutputNorm is the bytes of output_norm.*.
	OutputNorm uint64 `json:"onorm,omitzero"`
	// TokenEmbd is the bytes of token_embd.weight.
	TokenEmbd uint64 `json:"embd,omitzero"`
	// Other is the bytes of every other tensor (rope_freqs, token_embd_norm, ...).
	Other uint64 `json:"other,omitzero"`
	// OutputParams and TokenEmbdParams are the element counts of
	// output.weight and token_embd.weight.
	OutputParams    uint64 `json:"outp,omitzero"`
	TokenEmbdParams uint64 `json:"embdp,omitzero"`
	// Types are the blocks' matmul weights (tensors of two or more
	// dimensions), per ggml type, in the order first met.
	Types []TypeWeights `json:"types"`
	// Split is split.count (the number of parts), 0 when absent.
	Split uint64 `json:"split,omitzero"`
	// SplitTensors is split.tensors.count (the tensors of all parts), 0
	// when absent.
	SplitTensors uint64 `json:"splitn,omitzero"`
}

// TypeWeights is the parameters and bytes of one ggml type's matmul weights.
type TypeWeights struct {
	Type   string `json:"t"`
	Params uint64 `json:"p"`
	Bytes  uint64 `json:"b"`
}

// Tied reports whether the output matrix is the token embedding's (no
// output.weight in a file that holds every tensor).
func (t *Tensors) Tied() bool { return t.Output == 0 && t.Complete() }

// Complete reports whether the file holds every tensor of the model (it is
// not one part of a split).
func (t *Tensors) Complete() bool {
	return t.Split <= 1 && (t.SplitTensors == 0 || t.SplitTensors == t.Count)
}

// Total is the bytes of every tensor in the file.
func (t *Tensors) Total() uint64 {
	n := t.Output + t.OutputNorm + t.TokenEmbd + t.Other
	for _, b := range t.Blocks {
		n += b
	}
	return n
}

// add counts one tensor info. Names longer than the key buffer arrive as "".
func (t *Tensors) add(name string, dims []uint64, typ GGMLType, bytes, elems uint64) error {
	t.Count++
	switch {
	case strings.HasPrefix(name, "blk."):
		rest := name[len("blk."):]
		num, _, ok := strings.Cut(rest, ".")
		i, err := strconv.ParseUint(num, 10, 32)
		if !ok || err != nil || i >= maxLayerArray {
			t.Other += bytes
			return nil
		}
		for uint64(len(t.Blocks)) <= i {
			t.Blocks = append(t.Blocks, 0)
		}
		t.Blocks[i] += bytes
		if len(dims) >= 2 {
			t.addType(typ, elems, bytes)
		}
	case name == "output.weight":
		t.Output += bytes
		t.OutputParams += elems
	case strings.HasPrefix(name, "output_norm."):
		t.OutputNorm += bytes
	case strings.HasPrefix(name, "output."):
		t.Output += bytes
	case name == "token_embd.weight":
		t.TokenEmbd += bytes
		t.TokenEmbdParams += elems
	default:
		t.Other += bytes
	}
	return nil
}

func (t *Tensors) addType(typ GGMLType, elems, bytes uint64) {
	name := typ.String()
	for i := range t.Types {
		if t.Types[i].Type == name {
			t.Types[i].Params += elems
			t.Types[i].Bytes += bytes
			return
		}
	}
	t.Types = append(t.Types, TypeWeights{Type: name, Params: elems, Bytes: bytes})
}

// Clone copies t's slices.
func (t *Tensors) Clone() *Tensors {
	if t == nil {
		return nil
	}
	c := *t
	c.Blocks = append([]uint64(nil), t.Blocks...)
	c.Types = append([]TypeWeights(nil), t.Types...)
	return &c
}
