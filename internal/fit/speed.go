package fit

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
)

// Why a speed is unknown (policy section 7).
const (
	// SpeedGPUNotCalibrated: the GPU is not in the bandwidth table (or no
	// GPU name is known: --vram without --gpu).
	SpeedGPUNotCalibrated = "gpu-not-calibrated"
	// SpeedCPUNotCalibrated: the CPU class has no calibration.
	SpeedCPUNotCalibrated = "cpu-not-calibrated"
	// SpeedCPUNotMeasured: the memory bandwidth was not probed.
	SpeedCPUNotMeasured = "cpu-not-measured"
	// SpeedPartialOffload: some layers on the CPU; the split's speed
	// awaits a GPU measurement.
	SpeedPartialOffload = "partial-offload"
	// SpeedShapeUnknown: without the shape the KV cache read is unknown.
	SpeedShapeUnknown = "shape-unknown"
	// SpeedMoE: a mixture of experts reads only its active experts; not
	// calibrated.
	SpeedMoE = "moe-not-calibrated"
)

// Constants of the GPU decode model: tok/s = 1 / (t0 + bytes / (E x BW)).
const (
	GPUEfficiency = 0.83
	GPUT0         = 1.5e-3 // seconds per token
)

// BandLow and BandHigh bound every speed shown: the figure x 0.7 to x 1.3.
const (
	BandLow  = 0.7
	BandHigh = 1.3
)

// CPU classes (machine.CPUClass names them).
const (
	CPUAVX512 = "avx512" // x86-64 with AVX-512
	CPUAVX2   = "avx2"   // x86-64 with AVX2, no AVX-512
	CPUNEON   = "neon"   // arm64
)

// CPUSpeed is what the CPU model needs of this machine: its class,
// physical cores (llama.cpp's threads) and the measured memory bandwidth.
type CPUSpeed struct {
	Class     string  // CPUAVX512, CPUAVX2, CPUNEON or "" when unknown
	Threads   int     // physical cores
	Bandwidth float64 // bytes per second, from the probe; 0 when not probed
}

// point is a calibrated figure at a number of bits per weight.
type point struct{ bpw, v float64 }

// cpuCalibration is one CPU class's constants (policy section 7).
type cpuCalibration struct {
	name string
	t0   float64 // seconds per token
	r    []point // GFLOP/s per core for matmuls, by bits per weight
	ra   float64 // GFLOP/s per core for attention
	rp   []point // GFLOP/s per core for prompt processing
}

// Bits per weight of the calibrated types.
const (
	bpwQ4_0 = 4.5
	bpwQ8_0 = 8.5
	bpwF16  = 16
)

var cpuCalibrations = map[string]cpuCalibration{
	// Zen 4 (policy section 7): F16 30, Q8_0 29, Q4_0 54; Ra 15; Rp F16
	// 38, Q8_0 101, Q4_0 130.
	CPUAVX512: {name: "x86-64 AVX-512", t0: 2.7e-3,
		r:  []point{{bpwQ4_0, 54}, {bpwQ8_0, 29}, {bpwF16, 30}},
		ra: 15,
		rp: []point{{bpwQ4_0, 130}, {bpwQ8_0, 101}, {bpwF16, 38}}},
}

// CPUClassName is a class for a person ("x86-64 AVX-512").
func CPUClassName(class string) string {
	switch class {
	case CPUAVX512:
		return "x86-64 AVX-512"
	case CPUAVX2:
		return "x86-64 AVX2"
	case CPUNEON:
		return "Arm NEON"
	}
	return "unknown CPU"
}

// at interpolates linearly by bits per weight between the two nearest
// calibrated points, and takes the nearest one outside them. exact is
// true on a calibrated point.
func at(ps []point, bpw float64) (v float64, exact bool) {
	for _, p := range ps {
		if math.Abs(p.bpw-bpw) < 0.01 {
			return p.v, true
		}
	}
	if bpw <= ps[0].bpw {
		return ps[0].v, false
	}
	for i := 1; i < len(ps); i++ {
		if bpw < ps[i].bpw {
			a, b := ps[i-1], ps[i]
			return a.v + (b.v-a.v)*(bpw-a.bpw)/(b.bpw-a.bpw), false
		}
	}
	return ps[len(ps)-1].v, false
}

// Band is a speed in tokens per second: [low, mid, high], one decimal.
type Band [3]float64

// NewBand is the band of a figure: x 0.7, x 1, x 1.3, one decimal.
func NewBand(mid float64) Band {
	r := func(x float64) float64 { return math.Round(x*10) / 10 }
	return Band{r(mid * BandLow), r(mid), r(mid * BandHigh)}
}

// String is "~25 tok/s (18-32)", whole numbers from 10 up.
func (b Band) String() string {
	f := func(x float64) string {
		if x >= 10 {
			return fmt.Sprintf("%.0f", x)
		}
		return fmt.Sprintf("%.1f", x)
	}
	return fmt.Sprintf("~%s tok/s (%s-%s)", f(b[1]), f(b[0]), f(b[2]))
}

// Decode is the decode speed at an empty and a full context.
type Decode struct {
	Empty Band `json:"empty"`
	Full  Band `json:"full"`
}

// Speed is one variant's speed on one worker (policy section 7): the
// decode and prompt bands with their basis, or the reason there is none.
type Speed struct {
	Decode *Decode
	Prompt *Band // nil on a GPU: not estimated
	Basis  string
	Reason string
}

// Known reports whether s has figures.
func (s *Speed) Known() bool { return s != nil && s.Decode != nil }

// MarshalJSON writes {"decode": ..., "prompt": ... or null, "basis": ...}
// or {"reason": ...}.
func (s Speed) MarshalJSON() ([]byte, error) {
	if s.Decode == nil {
		return json.Marshal(struct {
			Reason string `json:"reason"`
		}{s.Reason})
	}
	return json.Marshal(struct {
		Decode *Decode `json:"decode"`
		Prompt *Band   `json:"prompt"`
		Basis  string  `json:"basis"`
	}{s.Decode, s.Prompt, s.Basis})
}

// ReasonWords is a reason for a person.
func ReasonWords(reason string) string {
	switch reason {
	case SpeedGPUNotCalibrated:
		return "speed unknown: this GPU is not in the bandwidth table (name it with --gpu)"
	case SpeedCPUNotCalibrated:
		return "speed unknown: this CPU class is not calibrated"
	case SpeedCPUNotMeasured:
		return "speed unknown: memory bandwidth not measured"
	case SpeedPartialOffload:
		return "speed unknown with layers on the CPU"
	case SpeedShapeUnknown:
		return "speed unknown: the model's shape is unknown"
	case SpeedMoE:
		return "speed unknown: mixture of experts, not calibrated"
	}
	return "speed unknown"
}

// kvRead is the KV cache bytes one token reads at position n: per layer
// min(n, window) cells for a sliding layer, n for a full one, unpadded.
func kvRead(s Shape, n int64) uint64 {
	if n <= 0 {
		return 0
	}
	perHead := mulSat(addSat(s.KeyLength, s.ValueLength), 2)
	var total uint64
	for i := 0; i < s.Layers && i < len(s.KVHeads); i++ {
		cells := uint64(n)
		if i < len(s.Sliding) && s.Sliding[i] && s.Window > 0 {
			cells = min(cells, s.Window)
		}
		total = addSat(total, mulSat(mulSat(cells, s.KVHeads[i]), perHead))
	}
	return total
}

// heads is the shape's attention head count: Heads, else embedding /
// key length.
func heads(s Shape) uint64 {
	if s.Heads > 0 {
		return s.Heads
	}
	if s.KeyLength > 0 {
		return s.Embedding / s.KeyLength
	}
	return 0
}

// attentionFLOPs is A(n) = 4 x n_layer x n_head x head_dim x n.
func attentionFLOPs(s Shape, n int64) float64 {
	return 4 * float64(s.Layers) * float64(heads(s)) * float64(s.KeyLength) * float64(max(n, 0))
}

// SpeedInput is what one speed estimate needs.
type SpeedInput struct {
	Weights Weights
	// Size is the variant's size: the bytes read when Weights has no
	// blocks (Source "file-size").
	Size  uint64
	Label string // the variant's label, for the bits per weight of a file-size estimate
	Shape Shape
	// Context is the judged context: the "full" figure.
	Context int64
}

// bytesAt is bytes(n): the weights read plus n tokens' KV cache.
func (in SpeedInput) bytesAt(n int64) float64 {
	w := in.Weights.Read()
	if len(in.Weights.Blocks) == 0 {
		w = in.Size
	}
	return float64(w) + float64(kvRead(in.Shape, n))
}

// matmuls are the matmul groups; for a file-size estimate, the whole file
// at the label's bits per weight (16 when the label names none).
func (in SpeedInput) matmuls() []Matmul {
	if len(in.Weights.Matmul) > 0 {
		return in.Weights.Matmul
	}
	bpw := labelBPW(in.Label)
	return []Matmul{{Type: in.Label, Params: uint64(float64(in.Size) * 8 / bpw), BPW: bpw}}
}

// labelBPW is the bits per weight a label names: 4.5 for Q4_0, 8.5 for
// Q8_0, 16 for F16 and BF16, 32 for F32; else by its digit (Q4_K_M about
// 4.8, Q6_K 6.6); 16 when none.
func labelBPW(label string) float64 {
	u := strings.ToUpper(label)
	switch {
	case strings.Contains(u, "F32"):
		return 32
	case strings.Contains(u, "F16"), strings.Contains(u, "FP16"):
		return 16
	}
	for _, c := range []struct {
		q   string
		bpw float64
	}{{"Q8", 8.5}, {"Q6", 6.56}, {"Q5", 5.5}, {"Q4", 4.8}, {"Q3", 3.9}, {"Q2", 2.9}, {"Q1", 1.8}} {
		if strings.Contains(u, c.q) {
			return c.bpw
		}
	}
	return 16
}

// GPUDecode is the decode speed with every layer on a GPU of bw GB/s
// (policy section 7): tok/s = 1 / (t0 + bytes(n) / (E x BW)), at n = 0 and
// n = the context.
func GPUDecode(in SpeedInput, bw float64) Decode {
	f := func(n int64) Band {
		return NewBand(1 / (GPUT0 + in.bytesAt(n)/(GPUEfficiency*bw*1e9)))
	}
	return Decode{Empty: f(0), Full: f(in.Context)}
}

// CPUDecode is the decode speed on the CPU (policy section 7): tok/s =
// 1 / (t0 + max(bytes(n) / BW, W / (threads x R[q])) + A(n) / (threads x
// Ra)), R by each matmul group's bits per weight. interpolated names the
// groups whose R lies between calibrated points. ok is false for a class
// without calibration.
func CPUDecode(in SpeedInput, c CPUSpeed) (d Decode, prompt Band, interpolated []string, ok bool) {
	cal, ok := cpuCalibrations[c.Class]
	if !ok || c.Threads <= 0 || c.Bandwidth <= 0 {
		return Decode{}, Band{}, nil, false
	}
	threads := float64(c.Threads)
	var compute, promptTime, flops float64 // seconds per token
	seen := map[string]bool{}
	for _, m := range in.matmuls() {
		w := 2 * float64(m.Params)
		r, exact := at(cal.r, m.BPW)
		rp, _ := at(cal.rp, m.BPW)
		compute += w / (threads * r * 1e9)
		promptTime += w / (threads * rp * 1e9)
		flops += w
		if !exact && !seen[m.Type] {
			seen[m.Type] = true
			name := m.Type
			if name == "output" {
				name = "the output matrix"
			}
			interpolated = append(interpolated, name)
		}
	}
	sort.Strings(interpolated)
	f := func(n int64) Band {
		mem := in.bytesAt(n) / c.Bandwidth
		return NewBand(1 / (cal.t0 + max(mem, compute) + attentionFLOPs(in.Shape, n)/(threads*cal.ra*1e9)))
	}
	d = Decode{Empty: f(0), Full: f(in.Context)}
	// Prompt: threads x Rp / (W + A(n)), Rp per group; attention at the
	// groups' mean rate. At an empty context.
	rpMean := flops / (promptTime * threads * 1e9)
	prompt = NewBand(1 / (promptTime + attentionFLOPs(in.Shape, 0)/(threads*rpMean*1e9)))
	return d, prompt, interpolated, true
}

// speedOn is a variant's speed on a worker's device at its level, nil when
// there is nothing to say (no size, too big to run).
func speedOn(v Variant, w *Weights, s *Shape, nCtx int64, device string, level Level, m Machine) *Speed {
	if w == nil || level == TooBig {
		return nil
	}
	switch {
	case level == Offload:
		return &Speed{Reason: SpeedPartialOffload}
	case s == nil:
		return &Speed{Reason: SpeedShapeUnknown}
	case s.MoE:
		return &Speed{Reason: SpeedMoE}
	}
	in := SpeedInput{Weights: *w, Size: v.Size, Label: v.Name, Shape: *s, Context: nCtx}
	var notes []string
	switch w.Source {
	case WeightsScaled:
		notes = append(notes, "weights scaled from another file's tensor infos")
	case WeightsFileSize:
		notes = append(notes, "weights from the file size")
	}
	switch device {
	case DeviceCPU:
		c := m.CPUSpeed
		if c == nil || c.Bandwidth <= 0 {
			return &Speed{Reason: SpeedCPUNotMeasured}
		}
		d, p, interp, ok := CPUDecode(in, *c)
		if !ok {
			return &Speed{Reason: SpeedCPUNotCalibrated}
		}
		if len(interp) > 0 {
			notes = append(notes, "R by bits per weight for "+strings.Join(interp, ", "))
		}
		basis := fmt.Sprintf("cpu:%s %d threads %.1f GB/s", CPUClassName(c.Class), c.Threads, c.Bandwidth/1e9)
		return &Speed{Decode: &d, Prompt: &p, Basis: withNotes(basis, notes)}
	case DeviceCUDA, DeviceROCm, DeviceMetal:
		g, ok := m.speedGPU(device)
		if !ok || g.Bandwidth <= 0 {
			return &Speed{Reason: SpeedGPUNotCalibrated}
		}
		d := GPUDecode(in, g.Bandwidth)
		return &Speed{Decode: &d, Basis: withNotes(fmt.Sprintf("gpu:%s %.0f GB/s", g.Name, g.Bandwidth), notes)}
	}
	return nil
}

func withNotes(basis string, notes []string) string {
	if len(notes) == 0 {
		return basis
	}
	return basis + "; " + strings.Join(notes, "; ")
}

// speedGPU is the GPU a device's speed is judged on: the first of its
// vendor (or a --vram override); on metal the Apple GPU.
func (m Machine) speedGPU(device string) (GPU, bool) {
	if device == DeviceMetal {
		for _, g := range m.GPUs {
			if strings.EqualFold(g.Vendor, VendorApple) {
				return g, true
			}
		}
		return GPU{}, false
	}
	gs := m.gpusFor(device)
	if len(gs) == 0 {
		return GPU{}, false
	}
	return gs[0], true
}

// Decode is the worker's best variant's decode speed at an empty context
// (the band's mid), nil when it has no best variant or its speed is
// unknown.
func (r Result) Decode(worker string) *float64 {
	b := r.Best[worker]
	if b == nil {
		return nil
	}
	for _, v := range r.Variants {
		if sp := v.Speed[worker]; v.Name == *b && sp.Known() {
			return ptr(sp.Decode.Empty[1])
		}
	}
	return nil
}
