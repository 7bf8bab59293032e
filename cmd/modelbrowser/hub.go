package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/hf"
	"github.com/modelbrowser/modelbrowser/internal/ui"
)

// contextConcurrency bounds the config.json requests made at once.
const contextConcurrency = 4

// hubConn is the Hub client as the commands use it: configured from the
// environment and flags, with the cache underneath.
type hubConn struct {
	client *hf.Client
	// refresher is the same client in refresh mode, for the TUI's r key.
	refresher *hf.Client
	now       func() time.Time
	offline   bool
	// notes is where remarks about stale answers go (stderr).
	notes io.Writer
	// store is the cache underneath (nil with --no-cache); judged keeps
	// search's judged pages in it.
	store  hf.Cache
	judged *judgedPages
	// writes is store's queue of writes, drained by close.
	writes *writeBehind
}

// connect checks the common flags, loads the worker catalog and opens the
// Hub client: what every Hub command does first.
func connect(e env, common commonFlags) (compat.Catalog, *hubConn, error) {
	if err := common.validate(); err != nil {
		return compat.Catalog{}, nil, err
	}
	cat, err := loadCatalog(e, common.workersFile)
	if err != nil {
		return compat.Catalog{}, nil, err
	}
	hub, err := newHub(e, common)
	if err != nil {
		return cat, nil, err
	}
	hub.judged = newJudgedPages(hub.store, cat)
	return cat, hub, nil
}

func newHub(e env, common commonFlags) (*hubConn, error) {
	cfg, err := hf.ConfigFromEnv(e.getenv, os.ReadFile)
	if err != nil {
		return nil, err
	}
	cfg.Version = version
	cfg.Offline = cfg.Offline || common.offline
	cfg.Refresh = common.refresh
	cfg.NoCache = common.noCache
	var wb *writeBehind
	if !common.noCache {
		// A warning while opening is printed at once; one from a write in
		// the background waits for close, on this goroutine.
		st, err := openCacheWarn(e, func(msg string) {
			if wb != nil {
				wb.warn(msg)
			} else {
				printWarning(e, msg)
			}
		})
		if err != nil {
			return nil, err
		}
		wb = newWriteBehind(st)
		cfg.Cache = wb
	}
	client, err := hf.New(cfg)
	if err != nil {
		return nil, err
	}
	rcfg := cfg
	rcfg.Refresh = !cfg.Offline
	refresher, err := hf.New(rcfg)
	if err != nil {
		return nil, err
	}
	h := &hubConn{client: client, refresher: refresher, now: time.Now, offline: cfg.Offline, notes: e.stderr, writes: wb}
	if wb != nil {
		h.store = wb
	}
	return h, nil
}

// close waits for the cache writes still under way, then prints what the
// store had to say about them.
func (h *hubConn) close() {
	if h.writes == nil {
		return
	}
	for _, msg := range h.writes.close() {
		fmt.Fprintf(h.notes, "modelbrowser: warning: %s\n", oneLine(msg))
	}
}

func (h *hubConn) pick(refresh bool) *hf.Client {
	if refresh {
		return h.refresher
	}
	return h.client
}

// model fetches one model's info and, when it needs it, its config.json
// for the context length.
func (h *hubConn) model(ctx context.Context, id, revision string) (compat.Model, error) {
	if err := hf.ValidateRepoID(id); err != nil {
		return compat.Model{}, err
	}
	m, meta, err := h.client.ModelInfo(ctx, id, revision)
	if err != nil {
		return compat.Model{}, err
	}
	if meta.Stale {
		fmt.Fprintf(h.notes, "modelbrowser: the Hub did not answer; using the cached answer from %s\n", ui.Ago(h.now(), meta.FetchedAt))
	}
	if compat.NeedsConfigJSON(m) {
		if withCtx, err := h.client.ResolveContext(ctx, m); err == nil {
			m = withCtx
		}
	}
	return m, nil
}

type query struct {
	text, author string
	filters      []string
	sort         string
}

type searchLimits struct {
	limit, scan int
	all         bool
}

type searchRes struct {
	judged  []compat.Judged
	scanned int
	pages   int
	stale   bool
	oldest  time.Time
	now     time.Time
}

// note is the stderr line that says answers came from an old cache.
func (r searchRes) note() string {
	if !r.stale {
		return ""
	}
	return fmt.Sprintf("the Hub did not answer; showing cached results from %s", ui.Ago(r.now, r.oldest))
}

// pageSize is how many models one list request asks for: exactly what is
// wanted when every model is printed, a full page when most may be
// filtered out.
func pageSize(l searchLimits) int {
	if l.all {
		return min(l.limit, 100)
	}
	return 100
}

// pagesNeeded is how many pages a search reads for certain, unless the
// listing ends first: a page holds at most pageSize models, so fewer pages
// cannot give limit results, nor scan models with compatible-only. Those
// pages are asked for early (hf.PagesWith); no page past them is.
func pagesNeeded(l searchLimits) int {
	size := pageSize(l)
	n := (l.limit + size - 1) / size
	if !l.all {
		n = min(n, (l.scan+size-1)/size)
	}
	return n
}

// search pages through the Hub's results, each page judged as it arrives
// (or read back judged, see judgedPages), until it has limit results
// (compatible ones, unless all) or has scanned scan models or the pages
// end. On an error the results so far are returned with it, including
// those of a page that came with the error (a bad next link); a next link
// back to a page already read ends the paging with an error, and no model
// is counted twice.
func (h *hubConn) search(ctx context.Context, q query, cat compat.Catalog, l searchLimits) (searchRes, error) {
	res := searchRes{now: h.now()}
	opts := hf.ListOptions{Search: q.text, Author: q.author, Filters: q.filters, Sort: q.sort, Limit: pageSize(l)}
	// Room for every result asked for at once: a judged model is half a
	// kilobyte, and growing the slice page by page copied it several times.
	res.judged = make([]compat.Judged, 0, min(l.limit, 1000))
	seen := make(map[string]bool, min(l.limit, 1000))
	jp := h.judged
	if jp == nil {
		jp = newJudgedPages(nil, cat)
	}
	for page, err := range h.client.PagesWith(ctx, opts, &hf.PageDecoder{Decode: jp.decode, Known: jp.known}, pagesNeeded(l)) {
		js, _ := page.Value.([]compat.Judged)
		if len(js) > 0 {
			res.pages++
		}
		if page.Meta.Stale {
			res.stale = true
			if res.oldest.IsZero() || page.Meta.FetchedAt.Before(res.oldest) {
				res.oldest = page.Meta.FetchedAt
			}
		}
		for _, j := range js {
			if seen[j.Model.ID] {
				continue
			}
			seen[j.Model.ID] = true
			res.scanned++
			if l.all || j.Verdict.Compatible {
				res.judged = append(res.judged, j)
			}
			if len(res.judged) >= l.limit || (!l.all && res.scanned >= l.scan) {
				return res, nil
			}
		}
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// resolveContexts fetches config.json for the results that need it and
// judges them again with the context length known.
func (h *hubConn) resolveContexts(ctx context.Context, js []compat.Judged, cat compat.Catalog) []compat.Judged {
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
	for k, m := range resolved {
		js[idx[k]] = compat.Judged{Model: m, Verdict: compat.Check(m, cat)}
	}
	return js
}
