package ui

import (
	"slices"
	"strings"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// item is one loaded model: judged once when it arrives, with the text of its
// row precomputed and sanitized, so that neither Update nor View judges or
// formats anything per frame.
type item struct {
	// filter is the lower-cased id: what `/` matches against. It never
	// changes: the list's filter reads it on another goroutine while
	// Update replaces the rest (replace).
	filter string
	itemState
}

// itemState is all of an item that a fresh answer replaces.
type itemState struct {
	judged compat.Judged
	// detailed is true once Searcher.Detail's answer is in: opening the
	// detail again does not fetch it again.
	detailed bool
	// detailFailed is true once Searcher.Detail answered with an error: the
	// list does not ask again by itself (opening the detail does).
	detailFailed bool
	// pos is the item's place in load order, to keep the cursor near it
	// when it is hidden.
	pos int

	id        string // sanitized
	family    string
	formats   string
	params    string
	context   string
	downloads string
	likes     string
	updated   string // the last change's date, UTC

	// The fit: the facts as Searcher.Facts gave them, and the last
	// judgement of them (fitview.go), kept across a re-judged verdict.
	factsState factsState
	facts      *fit.Facts
	fit        *fitCache
}

// newItem judges m against cat and prepares its row.
func newItem(m compat.Model, cat compat.Catalog) *item {
	v := compat.Check(m, cat)
	it := &item{itemState: itemState{judged: compat.Judged{Model: m, Verdict: v}}}
	it.id = text.Sanitize(m.ID)
	it.filter = strings.ToLower(it.id)
	switch {
	case v.Family != "":
		it.family = text.Sanitize(v.Family)
	case v.Architecture != "":
		it.family = text.Sanitize(v.Architecture)
	default:
		it.family = "?"
	}
	if len(v.Formats) == 0 {
		it.formats = "?"
	} else {
		it.formats = text.Sanitize(strings.Join(v.Formats, " "))
	}
	it.params = "?"
	if v.Parameters != nil {
		it.params = text.HumanParams(*v.Parameters)
	}
	it.context = "?"
	if v.ContextLength != nil {
		it.context = text.HumanContext(*v.ContextLength)
	}
	it.downloads = text.HumanCount(m.Downloads)
	it.likes = text.HumanCount(m.Likes)
	it.updated = "?"
	if !m.LastModified.IsZero() {
		it.updated = m.LastModified.UTC().Format("2006-01-02")
	}
	return it
}

// hasWarning reports a warning other than the codes in except.
func hasWarning(ws []compat.Message, except ...string) bool {
	for _, w := range ws {
		if !slices.Contains(except, w.Code) {
			return true
		}
	}
	return false
}

// lookedUp reports whether Searcher.Detail has answered for the model,
// with or without its details: a context still unknown is then a fact
// (config.json unreadable or gated), not a question nobody asked yet.
func (it *item) lookedUp() bool { return it.detailed || it.detailFailed }

// mark is the verdict's mark (compat.Verdict.Mark, as the CLI's):
// CTX_UNKNOWN counts once the context was looked up.
func (it *item) mark() compat.Mark { return it.judged.Verdict.Mark(it.lookedUp()) }

// warnings are the verdict's warnings as the detail pane lists them:
// CTX_UNKNOWN only once the context was looked up (before the lookup
// nearly every safetensors model has it, and it says nothing).
func (it *item) warnings() []compat.Message {
	ws := it.judged.Verdict.Warnings
	if it.lookedUp() || !hasWarning(ws) {
		return ws
	}
	out := make([]compat.Message, 0, len(ws))
	for _, w := range ws {
		if w.Code != compat.CodeCtxUnknown {
			out = append(out, w)
		}
	}
	return out
}

// FilterValue is what the list's filter matches: the lower-cased id.
func (it *item) FilterValue() string { return it.filter }

func (it *item) compatible() bool { return it.judged.Verdict.Compatible }

// workerOrder is the order `w` cycles workers in for this model: the
// recommended worker first, then the catalog's order.
func (it *item) workerOrder() []string {
	v := it.judged.Verdict
	out := make([]string, 0, len(v.Workers))
	if v.RecommendedWorker != "" {
		out = append(out, v.RecommendedWorker)
	}
	for _, w := range v.Workers {
		if w.Name != v.RecommendedWorker {
			out = append(out, w.Name)
		}
	}
	return out
}

// shownWorker is the worker whose verdict and fit are shown for this
// model: the list's worker want, or with none chosen ("") the model's
// recommended worker (the first in workerOrder).
func (it *item) shownWorker(want string) string {
	if want != "" {
		return want
	}
	if order := it.workerOrder(); len(order) > 0 {
		return order[0]
	}
	return ""
}

// loadsOn reports whether the verdict found the worker compatible.
func (it *item) loadsOn(worker string) bool {
	r, ok := it.judged.Verdict.WorkerResult(worker)
	return ok && r.Compatible
}
