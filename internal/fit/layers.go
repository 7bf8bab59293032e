package fit

import (
	"strings"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

// GPULayers is llama.cpp's -ngl k for a GPU offering offer bytes (policy
// section 7): the largest k from 0 to n_layer + 1 for which the output
// layer, the last k - 1 blocks, their KV cache at nCtx, the compute buffer
// and the device's reserve fit. -ngl puts the output layer on the GPU
// first, then the blocks from the last down; the token embedding stays on
// the CPU. ok is false without per-block figures.
func GPULayers(w Weights, s Shape, nCtx int64, device string, offer uint64) (k int, ok bool) {
	if len(w.Blocks) == 0 || s.Layers == 0 {
		return 0, false
	}
	fixed := addSat(ComputeBuffer(s, nCtx), Reserve(device))
	need := addSat(fixed, w.Output)
	if need > offer {
		return 0, true
	}
	k = 1
	perHead := mulSat(addSat(s.KeyLength, s.ValueLength), 2)
	for i := len(w.Blocks) - 1; i >= 0; i-- {
		layer := w.Blocks[i]
		if i < s.Layers && i < len(s.KVHeads) {
			sliding := i < len(s.Sliding) && s.Sliding[i]
			layer = addSat(layer, mulSat(mulSat(Cells(nCtx, sliding, s.Window), s.KVHeads[i]), perHead))
		}
		need = addSat(need, layer)
		if need > offer {
			break
		}
		k++
	}
	return k, true
}

// addSpeed sets a complete variant's speed on a worker and, at level
// offload, its -ngl.
func addSpeed(vf *VariantFit, v Variant, in Input, nCtx int64, w compat.Worker, l Level) {
	dev := strings.ToLower(w.Device)
	wts := WeightsOf(v, in.Tensors, in.Shape)
	if sp := speedOn(v, wts, in.Shape, nCtx, dev, l, in.Machine); sp != nil {
		vf.Speed[w.Name] = sp
	}
	if l != Offload || wts == nil || in.Shape == nil {
		return
	}
	offer, ok := in.Machine.Offer(dev)
	if !ok {
		return
	}
	if k, ok := GPULayers(*wts, *in.Shape, nCtx, dev, offer); ok {
		if vf.GPULayers == nil {
			vf.GPULayers = map[string]int{}
		}
		vf.GPULayers[w.Name] = k
	}
}
