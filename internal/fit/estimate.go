package fit

import (
	"math"
	"math/bits"
	"strings"
)

// Devices, as workers name them.
const (
	DeviceCPU   = "cpu"
	DeviceCUDA  = "cuda"
	DeviceROCm  = "rocm"
	DeviceMetal = "metal"
)

// Constants of the estimate (policy section 3).
const (
	// UBatch is the micro-batch the compute buffer is sized for.
	UBatch = 512
	// UnknownCompute is the compute buffer assumed when the vocabulary is
	// unknown.
	UnknownCompute = 64 * MiB
	// ReserveGPU is the runtime and driver reserve on cuda and rocm.
	ReserveGPU = 457 * MiB
	// ReserveMetal is the runtime reserve on metal.
	ReserveMetal = 512 * MiB
)

// Estimate is the memory one variant needs at one context on one device,
// in bytes. Nil is unknown: Weights when the variant's size is unknown or
// a part is missing, KV, Compute and High when the shape is unknown.
type Estimate struct {
	Weights *uint64 `json:"weights"`  // the variant's file sizes
	KV      *uint64 `json:"kv_cache"` // the f16 KV cache at the context
	Compute *uint64 `json:"compute"`  // llama.cpp's compute buffer
	Reserve uint64  `json:"-"`        // runtime and driver, per device
	Low     *uint64 `json:"low"`      // weights + KV
	High    *uint64 `json:"high"`     // low + compute + reserve
}

// NewEstimate is the estimate of policy section 3 for weights bytes of
// weights (nil: unknown), a shape (nil: unknown), nCtx tokens and a
// device: low = weights + kv, high = low + compute + reserve.
func NewEstimate(weights *uint64, s *Shape, nCtx int64, device string) Estimate {
	e := Estimate{Weights: weights, Reserve: Reserve(device)}
	if s != nil {
		kv := KVCache(*s, nCtx)
		e.KV = &kv
		e.Compute = ptr(ComputeBuffer(*s, nCtx))
	}
	if weights == nil {
		return e
	}
	low := *weights
	if e.KV != nil {
		low = addSat(low, *e.KV)
		high := addSat(addSat(low, *e.Compute), e.Reserve)
		e.High = &high
	}
	e.Low = &low
	return e
}

// Reserve is the runtime and driver memory of a device: 457 MiB on cuda
// and rocm, 512 MiB on metal, nothing on cpu.
func Reserve(device string) uint64 {
	switch strings.ToLower(device) {
	case DeviceCUDA, DeviceROCm:
		return ReserveGPU
	case DeviceMetal:
		return ReserveMetal
	}
	return 0
}

// pad rounds x up to a multiple of 256, saturating.
func pad(x uint64) uint64 {
	if x > math.MaxUint64-255 {
		return math.MaxUint64 &^ 255
	}
	return (x + 255) &^ 255
}

// Cells is how many tokens a layer's cache holds at nCtx: pad(nCtx), or
// for a sliding layer min(pad(nCtx), pad(window + 512)).
func Cells(nCtx int64, sliding bool, window uint64) uint64 {
	if nCtx <= 0 {
		return 0
	}
	c := pad(uint64(nCtx))
	if sliding {
		c = min(c, pad(addSat(window, UBatch)))
	}
	return c
}

// KVCache is the f16 KV cache of a shape at nCtx tokens: over layers,
// cells x kv heads x (key length + value length) x 2 bytes.
func KVCache(s Shape, nCtx int64) uint64 {
	perHead := mulSat(addSat(s.KeyLength, s.ValueLength), 2)
	var total uint64
	for i := 0; i < s.Layers && i < len(s.KVHeads); i++ {
		sliding := i < len(s.Sliding) && s.Sliding[i]
		total = addSat(total, mulSat(mulSat(Cells(nCtx, sliding, s.Window), s.KVHeads[i]), perHead))
	}
	return total
}

// ComputeBuffer is llama.cpp's compute buffer for a micro-batch of 512 at
// nCtx tokens (policy section 3): the larger of the output layer's
// activations, out = (vocab + 2 x embedding) x 512 x 4 (64 MiB when the
// vocabulary is unknown), and one layer's, layer = (3 x n_ff + 4 x
// embedding) x 512 x 4 plus the f16 KQ masks (pad(nCtx) x 512 x 2 when a
// layer holds the full context, and min(pad(nCtx), pad(window + 512)) x
// 512 x 2 when a layer slides). out alone when n_ff is unknown. Large
// vocabularies make out the larger (Qwen, Llama 3, Gemma); small ones
// with wide feed-forwards make layer the larger (Mistral, Phi-3).
func ComputeBuffer(s Shape, nCtx int64) uint64 {
	out := uint64(UnknownCompute)
	if s.Vocab > 0 {
		out = mulSat(addSat(s.Vocab, mulSat(2, s.Embedding)), UBatch*4)
	}
	if s.FeedForward == 0 {
		return out
	}
	var full, slides bool
	for i := 0; i < s.Layers; i++ {
		if i < len(s.Sliding) && s.Sliding[i] {
			slides = true
		} else {
			full = true
		}
	}
	var masks uint64
	if full {
		masks = addSat(masks, mulSat(Cells(nCtx, false, 0), UBatch*2))
	}
	if slides {
		masks = addSat(masks, mulSat(Cells(nCtx, true, s.Window), UBatch*2))
	}
	layer := addSat(mulSat(addSat(mulSat(3, s.FeedForward), mulSat(4, s.Embedding)), UBatch*4), masks)
	return max(out, layer)
}

// addSat is a+b, or the largest uint64 when that overflows.
func addSat(a, b uint64) uint64 {
	s, c := bits.Add64(a, b, 0)
	if c != 0 {
		return math.MaxUint64
	}
	return s
}

// mulSat is a*b, or the largest uint64 when that overflows.
func mulSat(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi != 0 {
		return math.MaxUint64
	}
	return lo
}

// fraction is x*num/den, rounded down, without overflow (num < den).
func fraction(x, num, den uint64) uint64 {
	hi, lo := bits.Mul64(x, num)
	q, _ := bits.Div64(hi, lo, den)
	return q
}
