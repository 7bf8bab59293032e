package ui

import (
	"slices"
	"strconv"
	"strings"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// The fit of a model as the browser shows it (FIT_POLICY.md sections 4-6):
// the facts load once per model in a tea.Cmd; everything else is fit.Judge
// over them, run in Update and cached on the item per context and worker,
// so that View only reads strings.

// minContext is the smallest context + and - step to.
const minContext int64 = 2048

// factsState is where a model's fit facts are.
type factsState int

const (
	factsNone    factsState = iota // not asked yet
	factsLoading                   // Searcher.Facts is on its way
	factsIn                        // answered
	factsFailed                    // answered with an error: unknown
)

// fitKey is what a cached judgement was made for.
type fitKey struct {
	ctx      int64  // the browser's context, 0 for the model's default
	worker   string // the worker shown
	modelCtx int64  // the model's context length (changes with its details)
	speed    bool   // the CPU's speed was known (it arrives after the start)
}

// fitCache is one fit.Judge result with the list's cell made from it.
type fitCache struct {
	key   fitKey
	res   fit.Result
	cell  string    // the FIT column, unstyled: "Q5_K_M 5.3G"
	level fit.Level // the cell's level; "" when no fit applies
}

// fitConfig is what a judgement weighs besides the facts: the catalog's
// workers and the machine.
type fitConfig struct {
	catalog compat.Catalog
	machine fit.Machine
}

// modelContext is the model's context length, 0 when unknown.
func (it *item) modelContext() int64 {
	if c := it.judged.Verdict.ContextLength; c != nil {
		return *c
	}
	return 0
}

// compatibleWorkers are the catalog's workers the verdict found compatible,
// in catalog order: those fit.Judge weighs.
func (c fitConfig) compatibleWorkers(v compat.Verdict) []compat.Worker {
	var out []compat.Worker
	for _, w := range c.catalog.Workers {
		if r, ok := v.WorkerResult(w.Name); ok && r.Compatible {
			out = append(out, w)
		}
	}
	return out
}

// judgeFit makes sure it's cached judgement is for context ctx and worker;
// nothing when its facts are not in. It is pure arithmetic.
func (c fitConfig) judgeFit(it *item, ctx int64, worker string) *fitCache {
	if it.factsState != factsIn || it.facts == nil {
		return nil
	}
	key := fitKey{ctx: ctx, worker: worker, modelCtx: it.modelContext(), speed: c.machine.CPUSpeed != nil}
	if it.fit != nil && it.fit.key == key {
		return it.fit
	}
	// A worker that cannot run here is judged against the figures
	// --vram/--memory gave, for planning; without them it has no fit.
	mach, _ := c.planMachine(worker)
	res := fit.Judge(fit.Input{
		Repo:         it.id,
		Listing:      it.facts.Listing,
		Shape:        it.facts.Shape,
		ShapeUnknown: it.facts.ShapeUnknown,
		Tensors:      it.facts.Tensors,
		ModelContext: key.modelCtx,
		Context:      ctx,
		Workers:      c.compatibleWorkers(it.judged.Verdict),
		Recommended:  worker,
		Machine:      mach,
	})
	fc := &fitCache{key: key, res: res}
	fc.cell, fc.level = fitCell(res, worker)
	it.fit = fc
	return fc
}

// fitCell is the FIT column for worker (fit.Result.Shown, as the CLI's):
// the best variant's label and size and its level, else the smallest
// complete variant the worker loads with its level (too big, or unknown).
func fitCell(res fit.Result, worker string) (string, fit.Level) {
	if _, judged := res.Contexts[worker]; !judged {
		return "", "" // incompatible, or cannot run here
	}
	v, l, ok := res.Shown(worker)
	if !ok {
		return "", fit.Unknown
	}
	return fit.VariantText(v), l
}

// levelGlyph is a level as a symbol readable without colour.
func levelGlyph(l fit.Level) string { return l.Glyph() }

// levelWords is a level as the detail names it.
func levelWords(l *fit.Level) string {
	if l == nil {
		return "- incomplete"
	}
	return l.Words()
}

// fitHidden reports whether "fits this machine only" hides the model: the
// shown worker does not load it or cannot run here (nor be planned for),
// or its facts are in (or failed) and the worker has no best variant at
// the context. A model whose fit is loading stays.
func (c fitConfig) fitHidden(it *item, ctx int64, worker string) bool {
	if worker == "" || !it.compatible() || !it.loadsOn(worker) || c.notHere(worker) {
		return true // nothing here runs it: it fits nowhere
	}
	switch it.factsState {
	case factsNone, factsLoading:
		return false
	case factsFailed:
		return true
	}
	fc := c.judgeFit(it, ctx, worker)
	return fc == nil || fc.res.Best[worker] == nil
}

// workerLimit is the context limit of the named worker, 0 when unknown.
func (c fitConfig) workerLimit(name string) int64 {
	if w, ok := c.catalog.Worker(name); ok {
		return w.MaxContext
	}
	return 0
}

// defaultContext is the context a model is judged at on worker without a
// browser context: the model's own, capped at the worker's limit.
func (c fitConfig) defaultContext(it *item, worker string) int64 {
	w, _ := c.catalog.Worker(worker)
	n, _ := fit.Context(it.modelContext(), 0, w)
	return n
}

// stepContext is the browser's context after one step up (dir > 0) or down
// from cur (0: the model's default def), through 2048·2^k and def, clamped
// to [2048, limit] (no upper bound when limit is 0). Landing on def gives 0,
// "the default", so that each model goes back to its own.
func stepContext(cur, def, limit int64, dir int) int64 {
	at := cur
	if at == 0 {
		at = def
	}
	stops := []int64{}
	for s := minContext; s > 0 && (limit <= 0 || s <= limit) && s <= 1<<40; s *= 2 {
		stops = append(stops, s)
	}
	if def > 0 {
		stops = append(stops, def)
	}
	if limit > 0 {
		stops = append(stops, limit)
	}
	slices.Sort(stops)
	stops = slices.Compact(stops)
	next := at
	if dir > 0 {
		for _, s := range stops {
			if s > at {
				next = s
				break
			}
		}
	} else {
		for i := len(stops) - 1; i >= 0; i-- {
			if stops[i] < at {
				next = stops[i]
				break
			}
		}
	}
	next = max(next, minContext)
	if limit > 0 {
		next = min(next, limit)
	}
	if dir > 0 && next < at || dir < 0 && next > at {
		return cur // never against the key's sign: stay
	}
	if next == def {
		return 0
	}
	return next
}

// machineText is the machine in a few words, for the header:
// "20.1 GiB free RAM · no GPU", "--memory 8.0 GiB", "RTX 4090 22.3 GiB free".
func machineText(m fit.Machine) string {
	var parts []string
	switch {
	case m.CPU.Available == nil:
		parts = append(parts, "RAM unknown")
	case m.CPU.Source == "--memory":
		parts = append(parts, "--memory "+fit.HumanBytes(*m.CPU.Available))
	default:
		parts = append(parts, fit.HumanBytes(*m.CPU.Available)+" free RAM")
	}
	switch {
	case len(m.GPUs) == 0:
		parts = append(parts, "no GPU")
	case m.GPUs[0].Source == "--vram":
		parts = append(parts, "--vram "+fit.HumanBytes(m.GPUs[0].Free))
	default:
		g := m.GPUs[0]
		name := text.Sanitize(g.Name)
		for _, p := range []string{"NVIDIA ", "GeForce ", "AMD ", "Radeon "} {
			name = strings.TrimPrefix(name, p)
		}
		s := strings.TrimSpace(name + " " + fit.HumanBytes(g.Free) + " free")
		if n := len(m.GPUs) - 1; n > 0 {
			s += " +" + strconv.Itoa(n) + " GPU"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " · ")
}

// contextText is the browser's context for the header: "ctx 16k", or
// with none chosen "ctx model (≤32k)": each model's own, capped at the
// limit of the highlighted model's shown worker (? help says so).
func (m Model) contextText(c choices) string {
	if c.context != 0 {
		return "ctx " + text.HumanContext(c.context)
	}
	if it := m.list.selected(); it != nil {
		if limit := m.fitCfg.workerLimit(it.shownWorker(c.worker)); limit > 0 {
			return "ctx model (≤" + text.HumanContext(limit) + ")"
		}
	}
	return "ctx model"
}

// rangeBytes is low to high as one figure: "8.1–9.0 GiB", "942 MiB–1.2 GiB",
// "4.4 GiB–?" when high is unknown.
func rangeBytes(low, high *uint64) string {
	switch {
	case low == nil:
		return "?"
	case high == nil:
		return fit.HumanBytes(*low) + "–?"
	}
	l, h := fit.HumanBytes(*low), fit.HumanBytes(*high)
	if ls, hs := strings.Fields(l), strings.Fields(h); len(ls) == 2 && len(hs) == 2 && ls[1] == hs[1] {
		return ls[0] + "–" + h
	}
	return l + "–" + h
}

// pickResult is what a pick of it on worker returns: chosen (the detail's
// highlighted variant) or else the best variant for worker; "REPO:LABEL"
// for a GGUF variant, the bare repo otherwise or without a variant. The
// caller has judged it's fit for worker. Text is sanitized: inert.
func pickResult(it *item, worker string, chosen *fit.VariantFit) Result {
	r := Result{Picked: true, Judged: it.judged, Worker: worker, Pick: it.id}
	fc := it.fit
	if it.facts == nil || fc == nil {
		return r
	}
	name := ""
	switch {
	case chosen != nil:
		name = chosen.Name
	case fc.res.Best[worker] != nil:
		name = *fc.res.Best[worker]
	default:
		return r
	}
	v, ok := it.facts.Listing.Variant(name)
	if !ok {
		return r
	}
	r.Variant = &v
	r.SHA = text.Sanitize(it.facts.SHA)
	r.Context = fc.res.Context
	if n, ok := fc.res.Contexts[worker]; ok {
		r.Context = n
	}
	if v.Format == "gguf" {
		r.Pick = it.id + ":" + text.Sanitize(v.Name)
	}
	for _, vf := range fc.res.Variants {
		if vf.Name == v.Name {
			r.Level, r.Low, r.High = vf.Fit[worker], vf.Memory.Low, vf.Memory.High
		}
	}
	return r
}

// fitColumn is the list's FIT cell for the item shown on worker, as last
// judged: glyph, label and size, and the level to colour it by. "-" when
// the worker does not load the model, notHereCell when it cannot run
// here, "…" while the facts load, "?" when unknown.
func (it *item) fitColumn(worker string, notHere bool) (glyph, text string, level fit.Level) {
	if worker == "" || !it.compatible() || !it.loadsOn(worker) {
		return "-", "", ""
	}
	if notHere {
		return notHereCell, "", ""
	}
	switch it.factsState {
	case factsFailed:
		return "?", "", fit.Unknown
	case factsIn:
	default:
		return "…", "", ""
	}
	fc := it.fit
	switch {
	case fc == nil || fc.key.worker != worker:
		return "…", "", ""
	case fc.level == "":
		return "-", "", ""
	case fc.cell == "":
		return "?", "", fit.Unknown
	}
	return levelGlyph(fc.level), fc.cell, fc.level
}
