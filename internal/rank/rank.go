// Package rank orders and narrows models the Hub already listed, here,
// over what was loaded: the local orders (best fit first, smallest file,
// parameters, context) and the facets (format, parameter range, a quant
// label present, gated or not). The Hub never sees them, but for a GGUF
// facet, which also narrows the Hub's query (filter=gguf).
//
// It is pure: judged models and their fits in, an order or a verdict
// out. search's --sort, --format and --params and the browser's o and F
// use the same rules.
package rank

import (
	"cmp"
	"strings"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/query"
)

// Entry is what one model is ranked and narrowed by.
type Entry struct {
	Judged compat.Judged
	// Fit is the model's fit, nil when it is not known (not judged yet,
	// incompatible, its files unread).
	Fit *fit.Result
	// Worker is the worker whose fit counts: the shown one, else the
	// recommended one.
	Worker string
}

// worker is the worker whose fit counts: the shown one, else the
// recommended one.
func (e Entry) worker() string {
	if e.Worker != "" {
		return e.Worker
	}
	return e.Judged.Verdict.RecommendedWorker
}

// decode is the best file's decode speed on the worker (tok/s, empty
// context, the band's mid), 0 when unknown: no fit, no best file, or its
// speed not calibrated here.
func (e Entry) decode() float64 {
	if e.Fit == nil {
		return 0
	}
	if d := e.Fit.Decode(e.worker()); d != nil && *d > 0 {
		return *d
	}
	return 0
}

// level is the entry's fit level for ranking: the shown variant's, or
// Unknown when there is no fit.
func (e Entry) level() (fit.Level, uint64) {
	if e.Fit == nil {
		return fit.Unknown, 0
	}
	v, l, ok := e.Fit.Shown(e.worker())
	if !ok {
		return fit.Unknown, 0
	}
	var size uint64
	if v.Size != nil {
		size = *v.Size
	}
	return l, size
}

// levelRank is best first: fits, tight, offload, unknown, too big.
func levelRank(l fit.Level) int {
	switch l {
	case fit.Fits:
		return 0
	case fit.Tight:
		return 1
	case fit.Offload:
		return 2
	case fit.TooBig:
		return 4
	}
	return 3
}

// Params is the model's parameter count, 0 when unknown.
func (e Entry) Params() int64 { return e.Judged.Model.Parameters.Value }

// contextLength is the model's context length, 0 when unknown.
func (e Entry) contextLength() int64 {
	if c := e.Judged.Verdict.ContextLength; c != nil {
		return *c
	}
	return 0
}

// Compare is the order of the local sort named name, for
// slices.SortStableFunc (ties keep the Hub's order); nil for a name that
// is not a local order.
//   - fit: fits, tight, offload, unknown, too big; within a level the
//     larger shown file first (the best a machine can hold).
//   - size: the smallest shown file first; unknown sizes last.
//   - params: the fewest parameters first; unknown last.
//   - context: the largest context first; unknown last.
//   - speed: the best file's decode speed (empty context, the band's
//     mid) fastest first; unknown last (no file fits, or its speed is
//     not calibrated on this machine).
func Compare(name string) func(a, b Entry) int {
	switch name {
	case query.SortFit:
		return func(a, b Entry) int {
			la, sa := a.level()
			lb, sb := b.level()
			if c := cmp.Compare(levelRank(la), levelRank(lb)); c != 0 {
				return c
			}
			return cmp.Compare(sb, sa)
		}
	case query.SortSize:
		return func(a, b Entry) int {
			_, sa := a.level()
			_, sb := b.level()
			return unknownLast(sa, sb, false)
		}
	case query.SortParams:
		return func(a, b Entry) int { return unknownLast(a.Params(), b.Params(), false) }
	case query.SortContext:
		return func(a, b Entry) int { return unknownLast(a.contextLength(), b.contextLength(), true) }
	case query.SortSpeed:
		return func(a, b Entry) int { return unknownLast(a.decode(), b.decode(), true) }
	}
	return nil
}

// Weighs reports whether the local order named name needs each model's
// fit (its files weighed on this machine): fit, size and speed.
func Weighs(name string) bool {
	return name == query.SortFit || name == query.SortSize || name == query.SortSpeed
}

// unknownLast compares known values (ascending, or descending with desc)
// and puts zero, unknown, after them.
func unknownLast[T int64 | uint64 | float64](a, b T, desc bool) int {
	switch {
	case a == 0 && b == 0:
		return 0
	case a == 0:
		return 1
	case b == 0:
		return -1
	case desc:
		return cmp.Compare(b, a)
	}
	return cmp.Compare(a, b)
}

// hasQuant reports whether one of the model's files carries the quant
// label (case and - or _ aside): Q4_K_M matches model-q4_k_m.gguf.
func hasQuant(m compat.Model, label string) bool {
	want := normLabel(label)
	if want == "" {
		return true
	}
	for _, f := range m.Files {
		if strings.Contains(normLabel(f), want) {
			return true
		}
	}
	return false
}

func normLabel(s string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "-", "_")
}
