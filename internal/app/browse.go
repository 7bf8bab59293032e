package app

import (
	"context"
	"errors"

	"github.com/modelbrowser/modelbrowser/internal/card"
	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/hf"
	"github.com/modelbrowser/modelbrowser/internal/query"
)

// PageSize is how many models every list request asks for, the
// browser's and search's alike (whatever --limit), so that a page one
// command fetched answers the other, offline too.
const PageSize = 100

// browsePageSize is how many models the browser asks for at a time.
const browsePageSize = PageSize

// Browser is what the interactive browser asks the Hub, through the
// cache: internal/ui's Searcher.
type Browser struct{ hub *Hub }

// Browser returns the Hub as the browser's searcher. Open the Hub
// refreshable for its refresh to revalidate.
func (h *Hub) Browser() Browser { return Browser{hub: h} }

// Search returns the page of results at next ("" for the first page).
// refresh revalidates the cached answer with the Hub.
func (b Browser) Search(ctx context.Context, q query.Query, next string, refresh bool) (query.Page, error) {
	opts := hf.ListOptions{Query: q, Limit: browsePageSize}
	if refresh && next == "" {
		b.hub.forget() // a new run: a licence accepted meanwhile is seen
	}
	p, err := b.hub.pick(refresh).ListPage(ctx, opts, next)
	if err != nil {
		return query.Page{}, err
	}
	models, invalid := validIDs(p.Models)
	return query.Page{
		Models:    models,
		Dropped:   invalid + len(p.Dropped),
		Next:      p.Next,
		FetchedAt: p.Meta.FetchedAt,
		// A refresh the Hub answered (even with 304 Not Modified) is as
		// live as a fresh fetch: only a stale fallback is "cached".
		FromCache: p.Meta.FromCache && (!refresh || p.Meta.Stale),
		Stale:     p.Meta.Stale,
		Offline:   p.Meta.Stale || b.hub.offline,
	}, nil
}

// Detail returns m with what needs more requests filled in. The list
// already carries the files, config and card data (one request per page);
// only the context length needs config.json.
func (b Browser) Detail(ctx context.Context, m compat.Model, refresh bool) (compat.Model, error) {
	if !compat.NeedsConfigJSON(m) {
		return m, nil
	}
	return b.hub.pick(refresh).ResolveContext(ctx, m)
}

// Facts reads what m's fit needs (see Hub.Facts), through the cache.
func (b Browser) Facts(ctx context.Context, m compat.Model) (fit.Facts, error) {
	return b.hub.Facts(ctx, m)
}

// Card reads m's model card (README.md at m.SHA, the commit the list
// gave; main when it gave none), through the cache: a card at a commit is
// fetched once and read offline from the cache ever after. A repo without
// README.md or whose card needs an accepted licence is a card that says
// so, not an error.
func (b Browser) Card(ctx context.Context, m compat.Model) (card.Card, error) {
	raw, _, err := b.hub.client.ModelCard(ctx, m.ID, m.SHA)
	var he *hf.Error
	switch {
	case err == nil:
		return card.Card{Status: card.Found, Text: raw}, nil
	case errors.As(err, &he) && he.Kind == hf.NotFound:
		return card.Card{Status: card.Missing, Reason: he.Message}, nil
	case errors.As(err, &he) && he.Kind == hf.Gated:
		return card.Card{Status: card.Gated, Reason: he.Message}, nil
	}
	return card.Card{}, err
}
