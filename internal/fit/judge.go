package fit

import (
	"fmt"
	"strings"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// Level is how well one variant fits one worker's device (policy section 4).
type Level string

// Levels, from best to worst.
const (
	Fits    Level = "fits"    // high <= the device's memory
	Tight   Level = "tight"   // low <= the device's memory < high
	Offload Level = "offload" // cuda, rocm: low <= GPU + cpu memory
	TooBig  Level = "too_big" // none of the above
	Unknown Level = "unknown" // no size, or the shape is unknown and the weights alone fit
)

// Warning codes (policy sections 3 and 4).
const (
	CodeMemTooBig        = "MEM_TOO_BIG"
	CodeMemTight         = "MEM_TIGHT"
	CodeMemOffload       = "MEM_OFFLOAD"
	CodeMemUnknown       = "MEM_UNKNOWN"
	CodeCtxRequestCapped = "CTX_REQUEST_CAPPED"
	CodeCtxOverModel     = "CTX_OVER_MODEL"
)

// DefaultContext is the context used when neither the model nor the
// worker gives one (a valid catalog always gives one).
const DefaultContext int64 = 4096

// LevelOf judges an estimate against what the machine offers a device.
// Equal is enough: high == offer fits. With the shape unknown (no high)
// the level is unknown when the weights alone fit what the worker can use
// (on cuda and rocm the GPU plus the CPU's memory), else too big: nothing
// more honest can be said.
func LevelOf(e Estimate, device string, m Machine) Level {
	device = strings.ToLower(device)
	offer, ok := m.Offer(device)
	if e.Low == nil || !ok {
		return Unknown
	}
	if e.High == nil {
		usable := offer
		if device == DeviceCUDA || device == DeviceROCm {
			if cpu, ok := m.Offer(DeviceCPU); ok {
				usable = addSat(offer, cpu)
			}
		}
		if *e.Low <= usable {
			return Unknown
		}
		return TooBig
	}
	switch {
	case e.High != nil && *e.High <= offer:
		return Fits
	case *e.Low <= offer:
		return Tight
	}
	if device == DeviceCUDA || device == DeviceROCm {
		if cpu, ok := m.Offer(DeviceCPU); ok && *e.Low <= addSat(offer, cpu) {
			return Offload
		}
	}
	return TooBig
}

// Context is the n_ctx a worker is judged at: the requested context
// (--ctx, when > 0) or else the model's (when > 0), capped at the worker's
// limit; the worker's limit when neither is known. capped reports that a
// requested context was over the limit.
func Context(model, requested int64, w compat.Worker) (n int64, capped bool) {
	limit := w.MaxContext
	switch {
	case requested > 0:
		if limit > 0 && requested > limit {
			return limit, true
		}
		return requested, false
	case model > 0:
		if limit > 0 && model > limit {
			return limit, false
		}
		return model, false
	case limit > 0:
		return limit, false
	}
	return DefaultContext, false
}

// Input is what [Judge] weighs.
type Input struct {
	// Repo is the repository's id, for the llama.cpp arguments and the
	// warnings' wording.
	Repo string
	// Listing is the repository's variants ([Variants]).
	Listing Listing
	// Shape is the model's shape, nil when unknown; ShapeUnknown then says
	// why (nil is taken as ReasonNoSource).
	Shape        *Shape
	ShapeUnknown *ShapeUnknown
	// Tensors are a GGUF header's tensor infos, for speed and the layer
	// split (policy section 7); nil when not read.
	Tensors *Tensors
	// ModelContext is the model's context length, 0 when unknown.
	ModelContext int64
	// Context is the context asked for (--ctx), 0 for the default.
	Context int64
	// Workers are the workers to judge, in catalog order: those the
	// verdict found compatible. Workers that cannot run on Machine are
	// left out of the result.
	Workers []compat.Worker
	// Recommended names the recommended worker: its device and context
	// give each variant's memory and the warnings.
	Recommended string
	// Machine is what this computer offers.
	Machine Machine
}

// Result is the "fit" object of policy section 5, with its warnings.
type Result struct {
	// Context is the recommended worker's n_ctx.
	Context  int64        `json:"context"`
	Machine  Machine      `json:"machine"`
	Variants []VariantFit `json:"variants"`
	// Best is the best variant's name per worker, nil when none.
	Best map[string]*string `json:"best"`
	// MaxContext is, per worker whose smallest complete variant does not
	// fit at its context, the largest context that would, nil when none.
	MaxContext map[string]*int64 `json:"max_context"`
	// Contexts is each judged worker's n_ctx.
	Contexts map[string]int64 `json:"-"`
	// Warnings are MEM_TOO_BIG, MEM_TIGHT, MEM_OFFLOAD or MEM_UNKNOWN for
	// the recommended worker, and CTX_REQUEST_CAPPED / CTX_OVER_MODEL for
	// a --ctx over a limit.
	Warnings []compat.Message `json:"-"`
	// ShapeUnknown says why the shape is unknown, nil when it is known.
	ShapeUnknown *ShapeUnknown `json:"-"`
	// Recommended is the recommended worker's name, "" when none.
	Recommended string `json:"-"`
}

// Summary is the short form `search --fit --json` adds to each model
// (policy section 5): Worker is the recommended worker, and Level, Size,
// Low and High describe its best variant, else its smallest complete one
// (whose level then says why there is no best); all null for a model
// with no variant.
type Summary struct {
	Context    int64              `json:"context"`
	Best       map[string]*string `json:"best"`
	MaxContext map[string]*int64  `json:"max_context"`
	Worker     *string            `json:"worker"`
	Level      *Level             `json:"level"`
	Size       *uint64            `json:"size"`
	Low        *uint64            `json:"low"`
	High       *uint64            `json:"high"`
	// Decode is the best variant's decode speed (tok/s, empty context,
	// mid) on the recommended worker, nil when unknown (policy section 7).
	Decode       *float64      `json:"decode"`
	ShapeUnknown *ShapeUnknown `json:"shape_unknown,omitempty"`
}

// Summary is the result's short form.
func (r Result) Summary() Summary {
	s := Summary{Context: r.Context, Best: r.Best, MaxContext: r.MaxContext, ShapeUnknown: r.ShapeUnknown}
	if r.Recommended != "" {
		s.Worker = ptr(r.Recommended)
	}
	if v, l, ok := r.Shown(r.Recommended); ok {
		s.Level, s.Size, s.Low, s.High = ptr(l), v.Size, v.Memory.Low, v.Memory.High
		s.Decode = r.Decode(r.Recommended)
	}
	return s
}

// MaxContextUnknown reports whether the worker's max_context is null
// because the shape is unknown ("unknown"), not because no context fits.
func (r Result) MaxContextUnknown(worker string) bool {
	c, ok := r.MaxContext[worker]
	return ok && c == nil && r.ShapeUnknown != nil
}

// VariantFit is one variant in the result.
type VariantFit struct {
	Name   string `json:"name"`
	Format string `json:"format"`
	Files  []File `json:"files"`
	// Size is the sum of the present files' sizes, nil when unknown.
	Size     *uint64    `json:"size"`
	Complete bool       `json:"complete"`
	Shape    *ShapeJSON `json:"shape"`
	// ShapeUnknown says why Shape is null.
	ShapeUnknown *ShapeUnknown `json:"shape_unknown,omitempty"`
	// Memory is the estimate for the recommended worker's device.
	Memory Estimate `json:"memory"`
	// Fit is the level per judged worker that loads the variant's format;
	// nil for an incomplete variant.
	Fit map[string]*Level `json:"fit"`
	// LlamaCpp are the llama.cpp arguments that fetch exactly this
	// variant; null for a variant that is not GGUF.
	LlamaCpp []string `json:"llama_cpp"`
	// Speed is, per judged worker that can run the variant, its decode
	// (and on the CPU prompt) speed or why it is unknown (policy section 7).
	Speed map[string]*Speed `json:"speed"`
	// GPULayers is llama.cpp's -ngl per worker whose level is offload.
	GPULayers map[string]int `json:"gpu_layers,omitempty"`
}

// ShapeJSON is a shape as the output shows it. KVHeads is one number when
// every layer has the same count, else one per layer; Vocab and Embedding
// are nil when unknown.
type ShapeJSON struct {
	Layers        int      `json:"layers"`
	KVHeads       any      `json:"kv_heads"`
	KeyLength     uint64   `json:"key_length"`
	ValueLength   uint64   `json:"value_length"`
	SlidingLayers int      `json:"sliding_layers"`
	Window        uint64   `json:"window"`
	Vocab         *uint64  `json:"vocab"`
	Embedding     *uint64  `json:"embedding"`
	FeedForward   *uint64  `json:"feed_forward"`
	Source        string   `json:"source"`
	Defaulted     []string `json:"defaulted,omitempty"`
}

// JSON is the shape's output form.
func (s Shape) JSON() ShapeJSON {
	out := ShapeJSON{Layers: s.Layers, KeyLength: s.KeyLength, ValueLength: s.ValueLength,
		SlidingLayers: s.SlidingLayers(), Window: s.Window, Source: s.Source}
	out.KVHeads = append([]uint64(nil), s.KVHeads...)
	if uniform(s.KVHeads) {
		out.KVHeads = s.KVHeads[0]
	}
	if s.Vocab > 0 {
		out.Vocab = ptr(s.Vocab)
	}
	if s.Embedding > 0 {
		out.Embedding = ptr(s.Embedding)
	}
	if s.FeedForward > 0 {
		out.FeedForward = ptr(s.FeedForward)
	}
	if len(s.Defaulted) > 0 {
		out.Defaulted = append([]string(nil), s.Defaulted...)
	}
	return out
}

func uniform(xs []uint64) bool {
	if len(xs) == 0 {
		return false
	}
	for _, x := range xs {
		if x != xs[0] {
			return false
		}
	}
	return true
}

// Weights is the variant's weight bytes for an estimate: nil when a part
// is missing or a size is unknown.
func (v Variant) Weights() *uint64 {
	if !v.Complete || !v.SizeKnown {
		return nil
	}
	return ptr(v.Size)
}

// Judge weighs every variant against every worker that can run here
// (policy sections 3 to 5): levels, the best variant and the largest
// context that fits per worker, each variant's memory on the recommended
// worker's device, and the warnings.
func Judge(in Input) Result {
	res := Result{
		Machine:    in.Machine,
		Variants:   []VariantFit{},
		Best:       map[string]*string{},
		MaxContext: map[string]*int64{},
		Contexts:   map[string]int64{},
	}
	if res.Machine.GPUs == nil {
		res.Machine.GPUs = []GPU{}
	}
	var here []compat.Worker
	for _, w := range in.Workers {
		if RunsHere(w, in.Machine) {
			here = append(here, w)
			res.Contexts[w.Name], _ = Context(in.ModelContext, in.Context, w)
		}
	}
	rec, hasRec := findWorker(in.Workers, in.Recommended)
	if hasRec && RunsHere(rec, in.Machine) {
		res.Recommended = rec.Name
	}
	memDevice := DeviceCPU
	var capped bool
	if hasRec {
		memDevice = strings.ToLower(rec.Device)
		res.Context, capped = Context(in.ModelContext, in.Context, rec)
	} else {
		res.Context, _ = Context(in.ModelContext, in.Context, compat.Worker{})
	}
	var shapeJSON *ShapeJSON
	if in.Shape != nil {
		j := in.Shape.JSON()
		shapeJSON = &j
	} else {
		res.ShapeUnknown = in.ShapeUnknown
		if res.ShapeUnknown == nil {
			res.ShapeUnknown = UnknownNoSource("")
		}
	}
	vs := in.Listing.Variants
	for _, v := range vs {
		vf := VariantFit{Name: v.Name, Format: v.Format, Files: append([]File{}, v.Files...),
			Complete: v.Complete, Shape: shapeJSON, ShapeUnknown: res.ShapeUnknown, Fit: map[string]*Level{},
			Memory: NewEstimate(v.Weights(), in.Shape, res.Context, memDevice), Speed: map[string]*Speed{},
			LlamaCpp: in.Listing.LlamaCppArgs(in.Repo, v)}
		if v.SizeKnown {
			vf.Size = ptr(v.Size)
		}
		for _, w := range here {
			if !w.Loads(v.Format) {
				continue
			}
			if !v.Complete {
				vf.Fit[w.Name] = nil
				continue
			}
			l := levelAt(v, in.Shape, res.Contexts[w.Name], w, in.Machine)
			vf.Fit[w.Name] = &l
			addSpeed(&vf, v, in, res.Contexts[w.Name], w, l)
		}
		res.Variants = append(res.Variants, vf)
	}
	for _, w := range here {
		res.Best[w.Name] = nil
		if i := best(res.Variants, w.Name); i >= 0 {
			res.Best[w.Name] = ptr(vs[i].Name)
		}
		if mc, ok := maxContext(vs, in.Shape, res.Contexts[w.Name], w, in.Machine); ok {
			res.MaxContext[w.Name] = mc
		}
	}
	if hasRec && RunsHere(rec, in.Machine) {
		res.Warnings = warnings(in, res, rec)
	}
	if capped {
		res.Warnings = append(res.Warnings, compat.Message{Code: CodeCtxRequestCapped, Message: fmt.Sprintf(
			"The requested context of %s tokens exceeds %s's limit of %s; judged at %s.",
			text.Thousands(in.Context), rec.Name, text.Thousands(rec.MaxContext), text.Thousands(res.Context))})
	}
	if in.Context > 0 && in.ModelContext > 0 && res.Context > in.ModelContext {
		res.Warnings = append(res.Warnings, compat.Message{Code: CodeCtxOverModel, Message: fmt.Sprintf(
			"%s was trained for %s tokens; at %s its answers degrade.",
			repoName(in.Repo), text.Thousands(in.ModelContext), text.Thousands(res.Context))})
	}
	return res
}

// repoName is a repository id without its owner, "this model" when empty.
func repoName(id string) string {
	if id == "" {
		return "This model"
	}
	if i := strings.LastIndexByte(id, '/'); i >= 0 {
		return id[i+1:]
	}
	return id
}

// levelAt is a complete variant's level on a worker at nCtx tokens.
func levelAt(v Variant, s *Shape, nCtx int64, w compat.Worker, m Machine) Level {
	return LevelOf(NewEstimate(v.Weights(), s, nCtx, w.Device), w.Device, m)
}

// best is the index of the worker's best variant: the largest that fits,
// else the largest tight, else the largest offload; -1 when none. An
// unknown level and an ARM repack are never the best.
func best(vs []VariantFit, worker string) int {
	for _, want := range []Level{Fits, Tight, Offload} {
		for i, v := range vs {
			if l := v.Fit[worker]; l != nil && *l == want && !IsRepack(v.Name) {
				return i
			}
		}
	}
	return -1
}

// smallest is the index of the smallest complete variant of known size the
// worker loads that can be the best (no ARM repack), -1 when none.
func smallest(vs []Variant, w compat.Worker) int {
	at := -1
	for i, v := range vs {
		if v.Complete && v.SizeKnown && w.Loads(v.Format) && !IsRepack(v.Name) && (at < 0 || v.Size <= vs[at].Size) {
			at = i
		}
	}
	return at
}

// maxContext is the largest context, a multiple of 1024 from 2048 up and
// below nCtx, at which the worker's smallest complete variant fits, when
// it does not fit at nCtx. ok is false when there is nothing to say (it
// fits, there is no such variant, or the device's memory is unknown);
// a nil context means none fits.
func maxContext(vs []Variant, s *Shape, nCtx int64, w compat.Worker, m Machine) (*int64, bool) {
	i := smallest(vs, w)
	if i < 0 {
		return nil, false
	}
	switch levelAt(vs[i], s, nCtx, w, m) {
	case Fits:
		return nil, false
	case Unknown:
		if s == nil {
			return nil, true // null: unknown, never "no context fits"
		}
		return nil, false
	}
	if s == nil {
		return nil, false // too big on its weights alone: MEM_TOO_BIG says it
	}
	fits := func(k int64) bool { return levelAt(vs[i], s, k*1024, w, m) == Fits }
	lo, hi := int64(2), (nCtx-1)/1024 // search k in [lo, hi]; memory grows with k
	if hi < lo || !fits(lo) {
		return nil, true
	}
	for lo < hi {
		mid := lo + (hi-lo+1)/2
		if fits(mid) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return ptr(lo * 1024), true
}

// warnings are the memory warnings for the recommended worker.
func warnings(in Input, res Result, rec compat.Worker) []compat.Message {
	dev := strings.ToLower(rec.Device)
	nCtx := res.Contexts[rec.Name]
	offer, _ := in.Machine.Offer(dev)
	if b := res.Best[rec.Name]; b != nil {
		v, _ := in.Listing.Variant(*b)
		e := NewEstimate(v.Weights(), in.Shape, nCtx, dev)
		switch l := LevelOf(e, dev, in.Machine); l {
		case Tight:
			need := "at least " + HumanBytes(*e.Low)
			if e.High != nil {
				need = HumanBytes(*e.Low) + " to " + HumanBytes(*e.High)
			}
			return []compat.Message{{Code: CodeMemTight, Message: fmt.Sprintf(
				"The best file (%s, %s) needs %s at %d tokens; this machine offers %s: it may run out of memory.",
				v.Name, HumanBytes(v.Size), need, nCtx, HumanBytes(offer))}}
		case Offload:
			return []compat.Message{{Code: CodeMemOffload, Message: fmt.Sprintf(
				"The best file (%s, %s) needs at least %s at %d tokens; the GPU offers %s: some layers will run on the CPU, slower.",
				v.Name, HumanBytes(v.Size), HumanBytes(*e.Low), nCtx, HumanBytes(offer))}}
		}
		return nil
	}
	i := smallest(in.Listing.Variants, rec)
	if i < 0 {
		return nil
	}
	v := in.Listing.Variants[i]
	e := NewEstimate(v.Weights(), in.Shape, nCtx, dev)
	if dev == DeviceCUDA || dev == DeviceROCm {
		if cpu, ok := in.Machine.Offer(DeviceCPU); ok {
			offer = addSat(offer, cpu)
		}
	}
	switch LevelOf(e, dev, in.Machine) {
	case TooBig:
	case Unknown:
		if res.ShapeUnknown == nil {
			return nil // a size the Hub did not give: the level says unknown
		}
		return []compat.Message{{Code: CodeMemUnknown, Message: fmt.Sprintf(
			"The KV cache of this model is unknown: %s; the smallest file alone needs %s of the %s this machine offers.",
			res.ShapeUnknown.Message, HumanBytes(v.Size), HumanBytes(offer))}}
	default:
		return nil
	}
	return []compat.Message{{Code: CodeMemTooBig, Message: fmt.Sprintf(
		"The smallest file (%s, %s) needs at least %s at %d tokens; this machine offers %s.",
		v.Name, HumanBytes(v.Size), HumanBytes(*e.Low), nCtx, HumanBytes(offer))}}
}

func findWorker(ws []compat.Worker, name string) (compat.Worker, bool) {
	for _, w := range ws {
		if name != "" && strings.EqualFold(w.Name, name) {
			return w, true
		}
	}
	return compat.Worker{}, false
}

func ptr[T any](v T) *T { return &v }

// ForVerdict judges a model's Facts for the workers its verdict found
// compatible, in catalog order, with the verdict's recommended worker: what
// check, search --fit and the browser all show. An incompatible verdict
// has no fit (ok false).
func ForVerdict(f Facts, m compat.Model, v compat.Verdict, cat compat.Catalog, mach Machine, context int64) (Result, bool) {
	if !v.Compatible {
		return Result{}, false
	}
	ok := make(map[string]bool, len(v.Workers))
	for _, r := range v.Workers {
		ok[r.Name] = r.Compatible
	}
	var workers []compat.Worker
	for _, w := range cat.Workers {
		if ok[w.Name] {
			workers = append(workers, w)
		}
	}
	var modelCtx int64
	if m.ContextLength.Known() {
		modelCtx = m.ContextLength.Value
	}
	return Judge(Input{Repo: m.ID, Listing: f.Listing, Shape: f.Shape, ShapeUnknown: f.ShapeUnknown, Tensors: f.Tensors, ModelContext: modelCtx, Context: context,
		Workers: workers, Recommended: v.RecommendedWorker, Machine: mach}), true
}

// HasBest reports whether the worker has a best variant in r.
func (r Result) HasBest(worker string) bool { return r.Best[worker] != nil }
