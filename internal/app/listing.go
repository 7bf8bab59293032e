package app

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/hf"
	"github.com/modelbrowser/modelbrowser/internal/query"
	"github.com/modelbrowser/modelbrowser/internal/rank"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// contextConcurrency bounds the config.json requests made at once.
const contextConcurrency = 4

// maxBarrenPages is how many pages in a row may bring no model not seen
// before until a search stops: a Hub that hands out cursor after cursor
// with nothing behind them must not be followed forever.
const maxBarrenPages = 3

// Limits bound a search.
type Limits struct {
	// Limit is how many results to return.
	Limit int
	// Scan is, unless All, how many models to look at for compatible ones
	// at most. A page that brings no new model counts as a full page.
	Scan int
	// All returns every model, compatible or not.
	All bool
	// Fit, when set, weighs each compatible result's files on this
	// machine and keeps only the models whose recommended worker has a
	// file that fits (all of them with All, or with Fit.WeighOnly);
	// Limit counts the models kept.
	Fit *FitPlan
	// Facets leave out the models they hide (format, parameters) before
	// Limit counts them; Scan counts every model looked at.
	Facets rank.Facets
}

// FitPlan is what search --fit judges against.
type FitPlan struct {
	// Machine gives the figures to weigh against, asked for when the
	// first files are weighed (a CPU probe may still run: Machine.FitSoon).
	Machine func() fit.Machine
	// Context is --ctx, 0 for each model's default.
	Context int64
	// WeighOnly keeps every model, its fit weighed (search --sort fit or
	// size without --fit).
	WeighOnly bool
}

// pageSize is how many models one list request asks for: PageSize,
// the browser's, even when fewer are wanted, so that one cache answers
// both.
func (l Limits) pageSize() int { return PageSize }

// pagesNeeded is how many pages a search reads for certain, unless the
// listing ends first: a page holds at most pageSize models, so fewer pages
// cannot give Limit results, nor Scan models with compatible-only. Those
// pages are asked for early; no page past them is.
func (l Limits) pagesNeeded() int {
	size := l.pageSize()
	n := (l.Limit + size - 1) / size
	if !l.All {
		n = min(n, (l.Scan+size-1)/size)
	}
	return n
}

// SearchResult is what a search found.
type SearchResult struct {
	// Judged are the results, in the Hub's order.
	Judged []compat.Judged
	// Scanned is how many distinct models were looked at.
	Scanned int
	// Dropped is how many models the Hub described in a form that does
	// not decode (left out, each page's others kept).
	Dropped int
	// Stale: some page came from an old cache because the Hub did not
	// answer; Oldest is the oldest such page's time.
	Stale  bool
	Oldest time.Time
	// Fits are, with Limits.Fit, each result's fit (nil where its files
	// could not be read or it is incompatible), in the order of Judged.
	Fits []*fit.Result
	// UnknownFit counts, with Limits.Fit and without All, the compatible
	// models left out because their fit is unknown (the shape could not be
	// read), by the reason's message in the order first met.
	UnknownFit []UnknownFit
}

// UnknownFit is how many models one reason left out of search --fit.
type UnknownFit struct {
	Message string
	Count   int
}

// Search pages through the Hub's results, each page judged as it arrives,
// until it has Limit results (compatible ones, unless All), has scanned
// Scan models, the pages end, or maxBarrenPages pages in a row bring
// nothing new. On an error the results so far are returned with it,
// including those of a page that came with the error (a bad next link); a
// next link back to a page already read ends the paging with an error, and
// no model is counted twice. Notes tell what a person should know.
func (h *Hub) Search(ctx context.Context, q query.Query, cat compat.Catalog, l Limits) (SearchResult, error) {
	res := SearchResult{Judged: make([]compat.Judged, 0, min(l.Limit, 1000))}
	seen := make(map[string]bool, min(l.Limit, 1000))
	barren, budget := 0, 0
	defer func() {
		if res.Stale {
			h.env.note("the Hub did not answer; showing cached results from " + text.Ago(h.env.now(), res.Oldest))
		}
		if res.Dropped > 0 {
			h.env.note(fmt.Sprintf("left out %d models the Hub described in a form that does not decode or with an invalid id", res.Dropped))
		}
	}()
	opts := hf.ListOptions{Query: q, Limit: l.pageSize()}
	for page, err := range h.client.Pages(ctx, opts, l.pagesNeeded()) {
		if page.Meta.Stale {
			res.Stale = true
			if res.Oldest.IsZero() || page.Meta.FetchedAt.Before(res.Oldest) {
				res.Oldest = page.Meta.FetchedAt
			}
		}
		models, invalid := validIDs(page.Models)
		res.Dropped += invalid + len(page.Dropped)
		fresh, stop := 0, false
		// Without a fit the results go straight into res.Judged; with one
		// they wait for their files to be weighed.
		cands := res.Judged[len(res.Judged):]
		if l.Fit != nil {
			cands = make([]compat.Judged, 0, len(models))
		}
		for _, m := range models {
			if seen[m.ID] {
				continue
			}
			seen[m.ID] = true
			fresh++
			res.Scanned++
			budget++
			j := compat.Judged{Model: m, Verdict: compat.Check(m, cat)}
			hidden := l.Facets.Hides(rank.Entry{Judged: j}) != "" // scanned, left out
			if !hidden && (l.All || j.Verdict.Compatible) {
				cands = append(cands, j)
			}
			if (!l.All && budget >= l.Scan) || (l.Fit == nil && len(res.Judged)+len(cands) >= l.Limit) {
				stop = true
				break
			}
		}
		if l.Fit == nil {
			res.Judged = append(res.Judged, cands...) // in place, unless cands outgrew it
		} else {
			h.keepFitting(ctx, cands, cat, l, &res)
		}
		if stop || len(res.Judged) >= l.Limit {
			return res, nil
		}
		if err != nil {
			return res, err
		}
		if fresh > 0 {
			barren = 0
			continue
		}
		barren++
		budget += l.pageSize()
		if barren >= maxBarrenPages && page.Next != "" {
			h.env.note(fmt.Sprintf("the Hub sent %d pages in a row with no new model; stopping", barren))
			return res, nil
		}
		if !l.All && budget >= l.Scan {
			return res, nil
		}
	}
	return res, nil
}

// keepFitting weighs the files of the candidates on the plan's machine,
// a few at a time and no more than the limit still wants, and keeps those
// whose recommended worker has a file that fits (every one with All).
func (h *Hub) keepFitting(ctx context.Context, cands []compat.Judged, cat compat.Catalog, l Limits, res *SearchResult) {
	for len(cands) > 0 && len(res.Judged) < l.Limit && ctx.Err() == nil {
		n := min(len(cands), l.Limit-len(res.Judged))
		batch := h.ResolveContexts(ctx, cands[:n], cat)
		cands = cands[n:]
		fits := make([]*fit.Result, len(batch))
		sem := make(chan struct{}, contextConcurrency)
		var wg sync.WaitGroup
		for i, j := range batch {
			if !j.Verdict.Compatible {
				continue
			}
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				facts, err := h.Facts(ctx, j.Model)
				if err != nil {
					return
				}
				if r, ok := fit.ForVerdict(facts, j.Model, j.Verdict, cat, l.Fit.Machine(), l.Fit.Context); ok {
					fits[i] = &r
				}
			}()
		}
		wg.Wait()
		for i, j := range batch {
			f := fits[i]
			if f != nil {
				j.Verdict.Warnings = append(j.Verdict.Warnings, f.Warnings...)
			}
			if l.All || l.Fit.WeighOnly || (f != nil && f.HasBest(j.Verdict.RecommendedWorker)) {
				res.Judged = append(res.Judged, j)
				res.Fits = append(res.Fits, f)
				continue
			}
			if f != nil && f.ShapeUnknown != nil {
				if _, level, ok := f.Shown(j.Verdict.RecommendedWorker); ok && level == fit.Unknown {
					res.noteUnknown(f.ShapeUnknown.Message)
				}
			}
		}
	}
}

func (res *SearchResult) noteUnknown(msg string) {
	for i := range res.UnknownFit {
		if res.UnknownFit[i].Message == msg {
			res.UnknownFit[i].Count++
			return
		}
	}
	res.UnknownFit = append(res.UnknownFit, UnknownFit{Message: msg, Count: 1})
}

// ResolveContexts fetches config.json for the results that need it and
// judges them again with the context length known. A model whose
// config.json cannot be read keeps its context unknown.
func (h *Hub) ResolveContexts(ctx context.Context, js []compat.Judged, cat compat.Catalog) []compat.Judged {
	var need []compat.Model
	var idx []int
	for i, j := range js {
		if compat.NeedsConfigJSON(j.Model) {
			need = append(need, j.Model)
			idx = append(idx, i)
		}
	}
	if len(need) == 0 {
		return js
	}
	resolved := h.client.ResolveContexts(ctx, need, contextConcurrency)
	unknown := 0
	for k, m := range resolved {
		js[idx[k]] = compat.Judged{Model: m, Verdict: compat.Check(m, cat)}
		if compat.NeedsConfigJSON(m) {
			unknown++
		}
	}
	if unknown > 0 && ctx.Err() != nil {
		h.env.note(fmt.Sprintf("context length unknown for %d of %d models: %s", unknown, len(need), context.Cause(ctx)))
	}
	return js
}

// validIDs keeps the models whose id is a valid repository id: an id the
// Hub lists must be one `check` accepts and a pick can print, never text
// with escape sequences, spaces or "..". It returns how many it left out.
func validIDs(models []compat.Model) ([]compat.Model, int) {
	bad := 0
	for _, m := range models {
		if hf.ValidateRepoID(m.ID) != nil {
			bad++
		}
	}
	if bad == 0 {
		return models, 0
	}
	kept := make([]compat.Model, 0, len(models)-bad)
	for _, m := range models {
		if hf.ValidateRepoID(m.ID) == nil {
			kept = append(kept, m)
		}
	}
	return kept, bad
}
