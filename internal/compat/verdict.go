package compat

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Reason and warning codes (policy section 5).
const (
	CodeOK                = "OK"
	CodeArchUnknown       = "ARCH_UNKNOWN"
	CodeArchUnsupported   = "ARCH_UNSUPPORTED"
	CodeFormatUnsupported = "FORMAT_UNSUPPORTED"
	CodeFormatUnknown     = "FORMAT_UNKNOWN"

	CodeCtxExceedsWorker = "CTX_EXCEEDS_WORKER"
	CodeCtxUnknown       = "CTX_UNKNOWN"
	CodeGated            = "GATED"
	CodeWeakEvidence     = "WEAK_EVIDENCE"
)

// reasonOrder is the headline order of failures.
var reasonOrder = map[string]int{CodeArchUnknown: 0, CodeArchUnsupported: 1, CodeFormatUnsupported: 2, CodeFormatUnknown: 3}

// warningOrder keeps warnings in a stable order.
var warningOrder = map[string]int{CodeCtxExceedsWorker: 0, CodeCtxUnknown: 1, CodeGated: 2, CodeWeakEvidence: 3}

// Message is a code with a sentence for a person.
type Message struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Evidence is one fact with its value and where it came from.
type Evidence struct {
	Fact   string `json:"fact"`
	Value  string `json:"value"`
	Source string `json:"source"`
}

// WorkerResult is the verdict for one model on one worker.
type WorkerResult struct {
	Name       string     `json:"name"`
	Compatible bool       `json:"compatible"`
	Confidence Confidence `json:"confidence"`
	// Format is the format the worker would load ("" when none).
	Format   string    `json:"format"`
	Reasons  []Message `json:"reasons"`
	Warnings []Message `json:"warnings"`
	// MaxContext is the worker's context limit, for explanations.
	MaxContext int64 `json:"max_context"`
}

// Verdict is the engine's answer for a model against a catalog. Its JSON
// form is the contract of policy section 6.
type Verdict struct {
	ID                string         `json:"id"`
	Compatible        bool           `json:"compatible"`
	Confidence        Confidence     `json:"confidence"`
	Architecture      string         `json:"architecture"`
	Family            string         `json:"family"`
	Formats           []string       `json:"formats"`
	ContextLength     *int64         `json:"context_length"`
	Parameters        *int64         `json:"parameters"`
	Gated             bool           `json:"gated"`
	Reasons           []Message      `json:"reasons"`
	Warnings          []Message      `json:"warnings"`
	Recommendations   []string       `json:"recommendations"`
	Evidence          []Evidence     `json:"evidence"`
	Workers           []WorkerResult `json:"workers"`
	RecommendedWorker string         `json:"recommended_worker"`
}

// Headline is the first reason, the one a list row shows.
func (v Verdict) Headline() Message {
	if len(v.Reasons) == 0 {
		return Message{}
	}
	return v.Reasons[0]
}

// HasWarnings reports whether the verdict carries any warning.
func (v Verdict) HasWarnings() bool { return len(v.Warnings) > 0 }

// WorkerResult returns the result for the named worker.
func (v Verdict) WorkerResult(name string) (WorkerResult, bool) {
	for _, w := range v.Workers {
		if w.Name == name {
			return w, true
		}
	}
	return WorkerResult{}, false
}

// Judged is a model with its verdict, the identity kept with it.
type Judged struct {
	Model   Model
	Verdict Verdict
}

// CheckWorker judges a model on one worker. cat gives families for the
// base confidence.
func CheckWorker(m Model, w Worker, families []Family) WorkerResult {
	res := WorkerResult{Name: w.Name, MaxContext: w.MaxContext, Reasons: []Message{}, Warnings: []Message{}}
	arch := m.Architecture.Value
	archKnown := m.Architecture.Known()

	// Formats of the model that the worker loads, in pairing preference.
	var buf [8]string // on the stack: judging 500 models a search made 8,000 small slices here
	loadable := buf[:0]
	for _, f := range m.Formats.Values {
		if w.Loads(f) {
			loadable = append(loadable, f)
		}
	}
	slices.SortStableFunc(loadable, func(a, b string) int {
		if lessFormat(a, b) {
			return -1
		}
		if lessFormat(b, a) {
			return 1
		}
		return 0
	})

	if !archKnown {
		res.Reasons = append(res.Reasons, Message{CodeArchUnknown, archUnknownSentence})
	} else {
		supported := false
		if len(loadable) > 0 {
			for _, f := range loadable {
				if w.Runs(arch, f) {
					supported = true
					if res.Format == "" {
						res.Format = f
					}
				}
			}
		} else {
			supported = w.runsAny(arch)
		}
		if !supported {
			res.Reasons = append(res.Reasons, Message{CodeArchUnsupported, archUnsupportedSentence(arch, loadable)})
		}
	}
	switch {
	case !m.Formats.Known():
		res.Reasons = append(res.Reasons, Message{CodeFormatUnknown, formatUnknownSentence})
	case len(loadable) == 0:
		res.Reasons = append(res.Reasons, Message{CodeFormatUnsupported, fmt.Sprintf(
			"Found %s weights; this worker loads only %s.", humanList(m.Formats.Values), humanList(orderFormats(append([]string{}, w.Formats...))))})
	}
	if res.Format == "" && len(loadable) > 0 && len(res.Reasons) > 0 {
		// Incompatible for another reason: still name the format it would pair with.
		res.Format = loadable[0]
	}

	if m.ContextLength.Known() && w.MaxContext > 0 && m.ContextLength.Value > w.MaxContext {
		res.Warnings = append(res.Warnings, ctxExceeds(m.ContextLength.Value, w.MaxContext))
	}
	if len(res.Reasons) > 0 {
		res.Confidence = None
		return res
	}
	res.Compatible = true
	res.Confidence = confidenceFor(m, families)
	res.Reasons = []Message{}
	return res
}

func ctxExceeds(n, limit int64) Message {
	return Message{CodeCtxExceedsWorker, fmt.Sprintf(
		"Model context length (%d) exceeds worker limit (%d). Context will be truncated.", n, limit)}
}

func archUnsupportedSentence(arch string, loadable []string) string {
	if len(loadable) > 0 {
		return fmt.Sprintf("Architecture %q is not in this worker's list for %s weights.", arch, humanList(loadable))
	}
	return fmt.Sprintf("Architecture %q is not in this worker's list.", arch)
}

// modelReasons turns the workers' failures into the model's own reasons:
// one sentence per code, about the catalog as a whole, headline first.
func modelReasons(m Model, failures []Message, c Catalog) []Message {
	codes := map[string]bool{}
	for _, f := range failures {
		codes[f.Code] = true
	}
	var out []Message
	if codes[CodeArchUnknown] {
		out = append(out, Message{CodeArchUnknown, archUnknownSentence})
	}
	if codes[CodeArchUnsupported] {
		msg := fmt.Sprintf("Architecture %q is not supported: no worker lists it.", m.Architecture.Value)
		for _, w := range c.Workers {
			if w.runsAny(m.Architecture.Value) {
				msg = fmt.Sprintf("Architecture %q is not supported by any worker for %s weights.",
					m.Architecture.Value, humanList(m.Formats.Values))
				break
			}
		}
		out = append(out, Message{CodeArchUnsupported, msg})
	}
	if codes[CodeFormatUnsupported] {
		out = append(out, Message{CodeFormatUnsupported, fmt.Sprintf(
			"Found %s weights; the workers load only %s.", humanList(m.Formats.Values), humanList(loadedFormats(c)))})
	}
	if codes[CodeFormatUnknown] {
		out = append(out, Message{CodeFormatUnknown, formatUnknownSentence})
	}
	return out
}

const (
	archUnknownSentence   = "The Hub gives no architecture for this model (no gguf.architecture, config.model_type, known config class or architecture tag)."
	formatUnknownSentence = "No weight files were found and the Hub gives no format for this model."
)

// confidenceFor is the family's base confidence, one step down for each
// fact that came from tags only (policy section 5.3). An architecture in no
// family starts at low.
func confidenceFor(m Model, families []Family) Confidence {
	c := Low
	for _, f := range families {
		if containsFold(f.Architectures, m.Architecture.Value) {
			if f.Confidence.Valid() && f.Confidence != None {
				c = f.Confidence
			}
			break
		}
	}
	if m.Architecture.Source == SrcTags {
		c = c.down()
	}
	if m.Formats.Source == SrcTags {
		c = c.down()
	}
	return c
}

// Check judges a model against the whole catalog: compatible when at least
// one worker is. Every worker's result is kept.
func Check(m Model, c Catalog) Verdict {
	v := Verdict{
		ID:              m.ID,
		Architecture:    m.Architecture.Value,
		Formats:         append([]string{}, m.Formats.Values...),
		Gated:           m.IsGated(),
		Reasons:         []Message{},
		Warnings:        []Message{},
		Recommendations: []string{},
		Workers:         make([]WorkerResult, 0, len(c.Workers)),
		Confidence:      None,
	}
	if fam, ok := c.FamilyOf(m.Architecture.Value); ok && m.Architecture.Known() {
		v.Family = fam.Name
	}
	if m.ContextLength.Known() {
		n := m.ContextLength.Value
		v.ContextLength = &n
	}
	if m.Parameters.Known() {
		n := m.Parameters.Value
		v.Parameters = &n
	}
	v.Evidence = evidenceOf(m)

	var failures, warnings []Message
	best := -1
	for i, w := range c.Workers {
		r := CheckWorker(m, w, c.Families)
		v.Workers = append(v.Workers, r)
		if r.Compatible {
			if !v.Compatible || rank(r.Confidence) > rank(v.Confidence) {
				v.Confidence = r.Confidence
			}
			v.Compatible = true
			warnings = append(warnings, r.Warnings...)
			if s := c.Machine.suits(w); s >= 0 && (best < 0 || s < c.Machine.suits(c.Workers[best])) {
				best = i
			}
		} else {
			failures = append(failures, r.Reasons...)
		}
	}
	if !v.Compatible {
		for _, r := range v.Workers {
			warnings = append(warnings, r.Warnings...)
		}
	}
	if best >= 0 {
		v.RecommendedWorker = c.Workers[best].Name
	}

	if v.Compatible {
		w := c.Workers[firstCompatible(v.Workers, v.RecommendedWorker)]
		r := v.Workers[firstCompatible(v.Workers, v.RecommendedWorker)]
		v.Reasons = []Message{{CodeOK, fmt.Sprintf("Architecture %s%s from %s weights is supported by %s.",
			m.Architecture.Value, familySuffix(v.Family), r.Format, w.Name)}}
	} else {
		v.Reasons = modelReasons(m, failures, c)
		if len(c.Workers) == 0 {
			v.Reasons = []Message{{CodeFormatUnsupported, "The worker catalog is empty: no worker can run any model."}}
		}
	}

	if !m.ContextLength.Known() {
		warnings = append(warnings, Message{CodeCtxUnknown,
			"The context length could not be read, so it cannot be checked against the workers' limits."})
	}
	if m.IsGated() {
		warnings = append(warnings, Message{CodeGated,
			"Downloading needs an accepted licence on the Hub and a token (HF_TOKEN)."})
	}
	if weak := weakFacts(m); weak != "" {
		warnings = append(warnings, Message{CodeWeakEvidence, "The " + weak + " came from the Hub's tags only, not from the model's files or config."})
	}
	v.Warnings = sortMessages(dedupeMessages(warnings), warningOrder)
	v.Recommendations = recommend(m, v, c)
	return v
}

func firstCompatible(rs []WorkerResult, prefer string) int {
	first := -1
	for i, r := range rs {
		if r.Compatible {
			if r.Name == prefer {
				return i
			}
			if first < 0 {
				first = i
			}
		}
	}
	return first
}

func familySuffix(f string) string {
	if f == "" {
		return ""
	}
	return " (family " + f + ")"
}

func weakFacts(m Model) string {
	var parts []string
	if m.Architecture.Source == SrcTags {
		parts = append(parts, "architecture")
	}
	if m.Formats.Source == SrcTags {
		parts = append(parts, "format")
	}
	return strings.Join(parts, " and ")
}

func rank(c Confidence) int {
	switch c {
	case High:
		return 3
	case Medium:
		return 2
	case Low:
		return 1
	}
	return 0
}

func evidenceOf(m Model) []Evidence {
	ev := []Evidence{}
	if m.Architecture.Known() {
		ev = append(ev, Evidence{"architecture", m.Architecture.Value, m.Architecture.Source})
	}
	if m.Formats.Known() {
		ev = append(ev, Evidence{"formats", strings.Join(m.Formats.Values, ", "), m.Formats.Source})
	}
	if m.ContextLength.Known() {
		ev = append(ev, Evidence{"context_length", fmt.Sprint(m.ContextLength.Value), m.ContextLength.Source})
	}
	if m.Parameters.Known() {
		ev = append(ev, Evidence{"parameters", fmt.Sprint(m.Parameters.Value), m.Parameters.Source})
	}
	if m.IsGated() {
		ev = append(ev, Evidence{"gated", m.Gated, SrcGated})
	}
	return ev
}

func dedupeMessages(ms []Message) []Message {
	out := make([]Message, 0, len(ms))
	seen := map[Message]bool{}
	for _, m := range ms {
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	return out
}

func sortMessages(ms []Message, order map[string]int) []Message {
	sort.SliceStable(ms, func(i, j int) bool { return order[ms[i].Code] < order[ms[j].Code] })
	return ms
}

func containsFold(ss []string, s string) bool {
	for _, x := range ss {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func humanList(ss []string) string {
	switch len(ss) {
	case 0:
		return "no"
	case 1:
		return ss[0]
	}
	return strings.Join(ss[:len(ss)-1], ", ") + " and " + ss[len(ss)-1]
}
