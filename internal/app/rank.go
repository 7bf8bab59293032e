package app

import (
	"slices"

	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/rank"
)

// SortBy orders the results by a local order (query.SortFit, SortSize,
// SortParams, SortContext; see rank.Compare), keeping each fit with its
// model; ties keep the Hub's order. Any other name leaves them as they
// are.
func (r *SearchResult) SortBy(name string) {
	less := rank.Compare(name)
	if less == nil {
		return
	}
	type pair struct {
		e   rank.Entry
		fit *fit.Result
	}
	ps := make([]pair, len(r.Judged))
	for i, j := range r.Judged {
		var f *fit.Result
		if i < len(r.Fits) {
			f = r.Fits[i]
		}
		ps[i] = pair{rank.Entry{Judged: j, Fit: f}, f}
	}
	slices.SortStableFunc(ps, func(a, b pair) int { return less(a.e, b.e) })
	for i, p := range ps {
		r.Judged[i] = p.e.Judged
		if i < len(r.Fits) {
			r.Fits[i] = p.fit
		}
	}
}
