package fit

import (
	"github.com/modelbrowser/modelbrowser/internal/gguf"
)

// Tensors are the tensor infos of one GGUF file of the repository (policy
// section 7): the sums gguf reads, and which file they came from.
type Tensors struct {
	// File is the path of the file whose header was read (part 1 of a
	// split variant).
	File string
	Sums *gguf.Tensors
}

// Weights is what one token of one variant reads and multiplies (policy
// section 7), in bytes and parameters.
type Weights struct {
	// Blocks are the bytes of each block's tensors, by block.
	Blocks []uint64
	// Output is the output layer as it sits on the GPU: the output matrix
	// (the token embedding's copy when tied) and the output norm.
	Output uint64
	// TokenEmbd is the token embedding, which stays on the CPU.
	TokenEmbd uint64
	// Tied is true when the output matrix is the token embedding.
	Tied bool
	// Matmul are the matmul weights one token multiplies (the blocks' and
	// the output matrix), by bits per weight.
	Matmul []Matmul
	// Source says where the figures come from: "tensor-infos" (this
	// variant's own header), "scaled" (another variant's tensor infos,
	// scaled to this one's size) or "file-size" (no tensor infos).
	Source string
}

// Matmul is a group of matmul weights of one density.
type Matmul struct {
	Type   string  // the ggml type, or the variant's label when scaled
	Params uint64  // weights (each costs 2 FLOPs per token)
	BPW    float64 // bits per weight
}

// Sources of Weights.
const (
	WeightsTensorInfos = "tensor-infos"
	WeightsScaled      = "scaled"
	WeightsFileSize    = "file-size"
)

// Read is the weight bytes one token reads: every block, the output
// matrix, and the token embedding only through the tied output.
func (w Weights) Read() uint64 {
	var n uint64
	for _, b := range w.Blocks {
		n = addSat(n, b)
	}
	return addSat(n, w.Output)
}

// Params is the matmul weights' parameter count.
func (w Weights) Params() uint64 {
	var n uint64
	for _, m := range w.Matmul {
		n = addSat(n, m.Params)
	}
	return n
}

// WeightsOf is the variant's weights from a repository's tensor infos (t,
// nil when none were read) and its shape: exact for the variant whose
// header was read, else that header's figures scaled by the variant's
// size; for part 1 of a split, the blocks it lacks take the largest block
// it has and a missing output matrix the token embedding's size. Without
// tensor infos, or for a variant of another format, the file size stands
// for the bytes read (Source "file-size", no blocks, no matmul figures).
// Nil when the variant's size is unknown.
func WeightsOf(v Variant, t *Tensors, s *Shape) *Weights {
	if !v.Complete || !v.SizeKnown || v.Size == 0 {
		return nil
	}
	if t == nil || t.Sums == nil || v.Format != "gguf" || s == nil || s.Layers == 0 {
		return &Weights{Source: WeightsFileSize}
	}
	ts := t.Sums
	blocks := make([]uint64, s.Layers)
	var biggest uint64
	for _, b := range ts.Blocks {
		biggest = max(biggest, b)
	}
	for i := range blocks {
		if i < len(ts.Blocks) && ts.Blocks[i] > 0 {
			blocks[i] = ts.Blocks[i]
		} else {
			blocks[i] = biggest
		}
	}
	if biggest == 0 {
		return &Weights{Source: WeightsFileSize}
	}
	out, outParams := ts.Output, ts.OutputParams
	tied := ts.Tied()
	if out == 0 {
		// Tied, or (part 1 of a split) in another part: the same size as
		// the token embedding.
		out, outParams = ts.TokenEmbd, ts.TokenEmbdParams
	}
	w := &Weights{Blocks: blocks, Output: out + ts.OutputNorm, TokenEmbd: ts.TokenEmbd, Tied: tied, Source: WeightsTensorInfos}
	exact := ts.Complete() && len(v.Files) > 0 && v.Files[0].Path == t.File
	if exact {
		for _, ty := range ts.Types {
			if ty.Params > 0 {
				w.Matmul = append(w.Matmul, Matmul{Type: ty.Type, Params: ty.Params, BPW: float64(ty.Bytes) * 8 / float64(ty.Params)})
			}
		}
		if outParams > 0 {
			w.Matmul = append(w.Matmul, Matmul{Type: "output", Params: outParams, BPW: float64(out) * 8 / float64(outParams)})
		}
		return w
	}
	// Scale every byte figure to this variant's size.
	var total uint64
	for _, b := range blocks {
		total = addSat(total, b)
	}
	total = addSat(addSat(addSat(total, w.Output), ts.TokenEmbd), ts.Other)
	if tied {
		total -= out // the tied output is the embedding, counted once
	}
	f := float64(v.Size) / float64(total)
	scale := func(b uint64) uint64 { return uint64(float64(b) * f) }
	var blockParams, blockBytes uint64
	for i := range w.Blocks {
		w.Blocks[i] = scale(w.Blocks[i])
		blockBytes = addSat(blockBytes, w.Blocks[i])
	}
	for _, ty := range ts.Types {
		blockParams = addSat(blockParams, ty.Params)
	}
	if !ts.Complete() && len(ts.Blocks) > 0 {
		// The blocks part 1 lacks have as many weights as those it has.
		blockParams = uint64(float64(blockParams) * float64(s.Layers) / float64(countNonZero(ts.Blocks)))
	}
	w.Output, w.TokenEmbd = scale(w.Output), scale(w.TokenEmbd)
	w.Source = WeightsScaled
	if blockParams > 0 {
		w.Matmul = append(w.Matmul, Matmul{Type: v.Name, Params: blockParams, BPW: float64(blockBytes) * 8 / float64(blockParams)})
	}
	if outParams > 0 {
		w.Matmul = append(w.Matmul, Matmul{Type: "output", Params: outParams, BPW: float64(scale(out)) * 8 / float64(outParams)})
	}
	return w
}

func countNonZero(xs []uint64) int {
	n := 0
	for _, x := range xs {
		if x > 0 {
			n++
		}
	}
	return max(n, 1)
}
