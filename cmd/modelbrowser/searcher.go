package main

import (
	"context"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/hf"
	"github.com/modelbrowser/modelbrowser/internal/ui"
)

// uiPageSize is how many models the TUI asks for at a time.
const uiPageSize = 50

// uiSearcher adapts the Hub client to the TUI's Searcher.
type uiSearcher struct{ hub *hubConn }

func (s uiSearcher) Search(ctx context.Context, q ui.Query, next string, refresh bool) (ui.Page, error) {
	opts := hf.ListOptions{Search: q.Text, Author: q.Author, Filters: q.Filters, Sort: q.Sort, Limit: uiPageSize}
	p, err := s.hub.pick(refresh).ListPage(ctx, opts, next)
	if err != nil {
		return ui.Page{}, err
	}
	return ui.Page{
		Models:    p.Models,
		Next:      p.Next,
		FetchedAt: p.Meta.FetchedAt,
		// A refresh the Hub answered (even with 304 Not Modified) is as
		// live as a fresh fetch: only a stale fallback is "cached".
		FromCache: p.Meta.FromCache && (!refresh || p.Meta.Stale),
		Stale:     p.Meta.Stale,
		Offline:   p.Meta.Stale || s.hub.offline,
	}, nil
}

func (s uiSearcher) Detail(ctx context.Context, m compat.Model, refresh bool) (compat.Model, error) {
	// The list already carries the files, config and card data (one
	// request per page); only the context length needs config.json.
	if !compat.NeedsConfigJSON(m) {
		return m, nil
	}
	return s.hub.pick(refresh).ResolveContext(ctx, m)
}
