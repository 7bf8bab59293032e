package hf

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/modelbrowser/modelbrowser/internal/cache"
)

// Cache is the storage the client keeps answers in: internal/cache
// implements it on disk; tests use a map. Freshness is decided here in hf,
// from Entry.FetchedAt, not by the store.
type Cache interface {
	Get(key string) (cache.Entry, bool)
	Put(e cache.Entry) error
}

// Freshness of cached answers (the store keeps them; hf decides).
const (
	TTLList        = 10 * time.Minute // search and list pages
	TTLInfo        = time.Hour        // model info
	TTLConfigAtRef = time.Hour        // config.json at a branch ("main")
	TTLNotFound    = 5 * time.Minute  // a 404 answer
	// TTLRefusal is how long a config.json the Hub refused (401, 403) or
	// does not have (404) stays refused: see refusalKey.
	TTLRefusal = time.Hour
	// config.json at a 40-hex commit never changes: it stays fresh, and
	// so do the file sizes of a commit (model info with blobs=true at a
	// sha) and a GGUF header read at a commit.
)

// class is the kind of answer a request gets, which sets how long it
// stays fresh.
type class int

const (
	classList class = iota
	classInfo
	classConfigAtSHA
	classConfigAtRef
	classFilesAtSHA // model info ?blobs=true at a 40-hex commit: forever
	classCardAtSHA  // README.md at a 40-hex commit: forever
	classCardAtRef  // README.md at a branch: TTLConfigAtRef
)

// ttl is how long an answer of the class stays fresh; negative is forever.
func (cl class) ttl() time.Duration {
	switch cl {
	case classList:
		return TTLList
	case classInfo:
		return TTLInfo
	case classConfigAtRef, classCardAtRef:
		return TTLConfigAtRef
	}
	return -1
}

// keptHeaders are the response headers stored with an entry.
var keptHeaders = []string{"Link", "ETag", "Content-Type", "X-Repo-Commit", "X-Error-Code"}

// decoder turns an answer's body into what the caller wants (a model, a
// page, a config). An answer that does not decode is never stored, and a
// stored one that no longer decodes is fetched again: a malformed answer
// the Hub sent once must not be served from the cache for its whole TTL
// (forever, for config.json at a commit).
type decoder func(body []byte) (any, error)

// errUnusable marks a cached entry whose body does not decode.
var errUnusable = errors.New("the cached answer does not decode")

// get answers a GET of u, through the cache when there is one, with the
// body decoded by dec into answer.value:
//   - an answer or refusal this client already got in this run, for the
//     classes it remembers (see asked), is given again with no request,
//     even with Refresh or NoCache;
//   - Offline: only the cache answers (stale entries marked), never the Hub;
//   - a fresh entry is served with no request, unless Refresh;
//   - otherwise the Hub is asked, with If-None-Match when an entry has an
//     ETag; a 304 refreshes the entry, a 200 replaces it, a 404 is
//     remembered for TTLNotFound (a config.json's 401, 403 and 404 for
//     TTLRefusal, see refusalKey); other 401/403, 429, 5xx and answers that
//     do not decode are never stored;
//   - if the Hub cannot answer (network, timeout, 429, 5xx, an unusable
//     answer) the stale entry is served, marked Stale, with the error in
//     Meta.Err.
//
// Identical requests in flight at once share one round trip; each caller
// gets its own decoded value. A non-nil onHeader is called with the
// headers of a 200 from the Hub before its body is read (see once), when
// this call is the one that asks the Hub.
func (c *Client) get(ctx context.Context, u string, cl class, dec decoder, onHeader func(http.Header)) (*answer, error) {
	key := cache.Key(http.MethodGet, u, cache.TokenFingerprint(c.cfg.Token))
	if cl.remembered() {
		if ans, err, ok := c.recallAnswer(key, dec); ok {
			return ans, err
		}
	}
	useCache := c.cfg.Cache != nil && !c.cfg.NoCache
	if c.pageMemo(cl, useCache) && !c.cfg.Offline {
		if ans, ok := c.fromMemo(key, cl); ok {
			return ans, nil
		}
	}
	var cached *cache.Entry
	var refused *Error // a config.json's stored refusal
	var refusedAt time.Time
	if useCache {
		if e, ok := c.cfg.Cache.Get(key); ok && (e.Status == http.StatusOK || e.Status == http.StatusNotFound) {
			cached = &e
		}
		if cl.refusable() {
			if e, ok := c.cfg.Cache.Get(c.refusalKey(u)); ok {
				if he, ok := refusalFromEntry(e); ok {
					refused, refusedAt = he, e.FetchedAt
				}
			}
		}
	}
	// The later of a stored answer and a stored refusal is the Hub's last
	// word.
	refusalLast := refused != nil && (cached == nil || refusedAt.After(cached.FetchedAt))
	if c.cfg.Offline {
		if refusalLast {
			return nil, refused
		}
		if cached != nil {
			ans, err := c.fromEntry(*cached, !c.fresh(*cached, cl), nil, dec, c.pageMemo(cl, useCache))
			if !errors.Is(err, errUnusable) {
				return ans, err
			}
		}
		return nil, c.offlineError()
	}
	if refusalLast && !c.cfg.Refresh && c.within(refusedAt, TTLRefusal) {
		return nil, refused
	}
	if cached != nil && !c.cfg.Refresh && c.fresh(*cached, cl) {
		ans, err := c.fromEntry(*cached, false, nil, dec, c.pageMemo(cl, useCache))
		if !errors.Is(err, errUnusable) {
			return ans, err
		}
		cached = nil // damaged: fetch it whole, without its ETag
	}
	ans, led, err := c.flight.do(ctx, key, func(ctx context.Context) (*answer, error) {
		if cl.remembered() {
			// Asked and answered while this caller looked at the cache.
			if ans, err, ok := c.recallAnswer(key, dec); ok {
				return ans, err
			}
		}
		return c.fetch(ctx, u, key, cl, cached, useCache, dec, onHeader)
	})
	if err != nil || led {
		return ans, err
	}
	// Another call's answer: decode a value of our own, so no two callers
	// share the slices and maps of one.
	shared := *ans
	if shared.value, err = dec(shared.body); err != nil {
		return nil, err
	}
	return &shared, nil
}

// refusable reports whether a class's 401, 403 and 404 are stored as
// refusals (config.json, README.md).
func (cl class) refusable() bool {
	switch cl {
	case classConfigAtSHA, classConfigAtRef, classCardAtSHA, classCardAtRef:
		return true
	}
	return false
}

// within reports whether something fetched at at is younger than ttl.
func (c *Client) within(at time.Time, ttl time.Duration) bool {
	age := c.cfg.Now().Sub(at)
	return age >= 0 && age < ttl
}

// fresh reports whether an entry is within its time to live.
func (c *Client) fresh(e cache.Entry, cl class) bool {
	ttl := cl.ttl()
	if e.Status == http.StatusNotFound {
		ttl = TTLNotFound
	}
	if ttl < 0 {
		return true
	}
	age := c.cfg.Now().Sub(e.FetchedAt)
	return age >= 0 && age < ttl
}

// fetch asks the Hub and keeps the cache up to date.
func (c *Client) fetch(ctx context.Context, u, key string, cl class, cached *cache.Entry, useCache bool, dec decoder, onHeader func(http.Header)) (*answer, error) {
	etag := ""
	if cached != nil && cached.Status == http.StatusOK {
		etag = cached.ETag
	}
	ans, err := c.retrying(ctx, u, etag, onHeader)
	now := c.cfg.Now()
	undecodable := false
	if err == nil && ans.status == http.StatusNotModified {
		if etag == "" {
			return nil, newError(BadResponse, nil, "the Hub answered 304 Not Modified to a request that had no ETag")
		}
		e := *cached
		e.FetchedAt = now
		out, derr := c.fromEntry(e, false, nil, dec, c.pageMemo(cl, useCache))
		if derr != nil { // the cached body is damaged: ask for it whole
			return c.fetch(ctx, u, key, cl, nil, useCache, dec, onHeader)
		}
		if out.aux != nil {
			e.Aux = out.aux
		}
		c.put(useCache, e)
		out.meta.RequestID = ans.meta.RequestID
		c.rememberAnswer(key, cl, out)
		return out, nil
	}
	if err == nil {
		v, derr := dec(ans.body)
		if derr == nil {
			ans.value = v
			e := cache.Entry{Key: key, FetchedAt: now, ETag: ans.header.Get("ETag"), Status: http.StatusOK,
				Header: keep(ans.header), Body: ans.body}
			if c.pageMemo(cl, useCache) {
				e.Aux = pageMemoOf(v.(listPage))
			}
			c.put(useCache, e)
			c.rememberAnswer(key, cl, ans)
			return ans, nil
		}
		err = c.withRequest(derr, ans) // never stored; the old entry, if any, stands
		undecodable = true
	}
	var he *Error
	if !errors.As(err, &he) {
		return nil, err
	}
	switch {
	case he.Status == 0 || !answered(he):
	case cl.refusable():
		if storableRefusal(he) {
			c.putRefusal(useCache, u, he, now)
		}
		c.rememberError(key, cl, err)
	default:
		if he.Kind == NotFound && he.Status == http.StatusNotFound {
			c.put(useCache, cache.Entry{Key: key, FetchedAt: now, Status: http.StatusNotFound,
				Header: map[string]string{"X-Error-Code": he.code, "X-Request-Id": he.RequestID}})
		}
		c.rememberError(key, cl, err)
	}
	if cached != nil {
		switch he.Kind {
		case Network, Timeout, RateLimited, Unavailable, BadResponse:
			if out, serr := c.fromEntry(*cached, true, err, dec, c.pageMemo(cl, useCache)); serr == nil {
				return out, nil
			}
		}
	}
	if undecodable {
		c.rememberError(key, cl, err) // the Hub's answer, unusable: not asked again in this run
	}
	return nil, err
}

func (c *Client) put(useCache bool, e cache.Entry) {
	if useCache && !holdsToken(e, c.cfg.Token) {
		_ = c.cfg.Cache.Put(e) // best effort: a cache that cannot write degrades to none
	}
}

// holdsToken reports whether an answer quotes the token (a Hub echoing it
// in a Link, an ETag or a body): such an answer is served but never
// stored, so the token never reaches the disk.
func holdsToken(e cache.Entry, token string) bool {
	if token == "" {
		return false
	}
	if strings.Contains(e.ETag, token) || bytes.Contains(e.Body, []byte(token)) {
		return true
	}
	for k, v := range e.Header {
		if strings.Contains(k, token) || strings.Contains(v, token) {
			return true
		}
	}
	return false
}

func keep(h http.Header) map[string]string {
	out := make(map[string]string, len(keptHeaders))
	for _, k := range keptHeaders {
		if v := h.Values(k); len(v) > 0 {
			out[k] = strings.Join(v, ", ")
		}
	}
	return out
}

// fromEntry turns a cached entry into an answer (or, for a remembered
// 404, the NotFound error); a body that dec refuses is errUnusable. With
// memo (a list page's entry), the entry's memo answers for dec when it has
// one of this build; when not, the entry is stored again with a new one
// (also given as answer.aux).
func (c *Client) fromEntry(e cache.Entry, stale bool, cause error, dec decoder, memo bool) (*answer, error) {
	if e.Status == http.StatusNotFound {
		what := "the repository"
		switch e.Header["X-Error-Code"] {
		case "RevisionNotFound":
			what = "the revision"
		case "EntryNotFound":
			what = "the file"
		}
		return nil, &Error{Kind: NotFound, Status: http.StatusNotFound, RequestID: e.Header["X-Request-Id"], code: e.Header["X-Error-Code"],
			Message: what + " was not found on the Hub (answer cached " + e.FetchedAt.UTC().Format(time.RFC3339) + ")"}
	}
	var v any
	var aux []byte
	if memo {
		if lp, ok := recallPage(e.Aux); ok {
			v = lp
		}
	}
	if v == nil {
		var err error
		if v, err = dec(e.Body); err != nil {
			return nil, errUnusable
		}
		if memo {
			if aux = pageMemoOf(v.(listPage)); aux != nil {
				e.Aux = aux
				c.put(true, e)
			}
		}
	}
	h := http.Header{}
	for k, v := range e.Header {
		h.Set(k, v)
	}
	return &answer{status: http.StatusOK, header: h, body: e.Body, value: v, aux: aux,
		meta: Meta{FromCache: true, Stale: stale, FetchedAt: e.FetchedAt, Err: cause}}, nil
}

// flight collapses concurrent calls for the same key into one round trip
// (golang.org/x/sync/singleflight), with contexts: each caller waits for
// the shared call only as long as its own context lives.
type flight struct {
	g singleflight.Group
}

// do runs fn once per key at a time; the others wait for its result. led
// reports whether fn ran for this caller (its result is then its own; the
// others share it). A waiter whose context ends returns at once; one whose
// leader was cancelled (its own context still alive) runs fn itself. A
// leader whose context ends waits for its fn, which ends with it.
func (f *flight) do(ctx context.Context, key string, fn func(context.Context) (*answer, error)) (ans *answer, led bool, err error) {
	for {
		var ran atomic.Bool
		ch := f.g.DoChan(key, func() (any, error) {
			ran.Store(true)
			if err := ctx.Err(); err != nil {
				return nil, err // a leader that left before it started
			}
			return fn(ctx)
		})
		var r singleflight.Result
		select {
		case r = <-ch:
		case <-ctx.Done():
			if !ran.Load() {
				// A waiter, or a leader whose fn has not started: that one
				// will see the context ended and return at once.
				return nil, false, ctx.Err()
			}
			r = <-ch // our own request: it ends with our context
		}
		led = ran.Load()
		if !led && isCtxErr(r.Err) && ctx.Err() == nil {
			continue // the leader was cancelled, not us: ask again
		}
		ans, _ = r.Val.(*answer)
		return ans, led, r.Err
	}
}
func isCtxErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// offlineError is the answer offline to a request nothing cached answers:
// it names what turned offline mode on, as the user wrote it.
func (c *Client) offlineError() error {
	by := "offline mode"
	if c.cfg.OfflineBy != "" {
		by = c.cfg.OfflineBy
	}
	return newError(Offline, nil, "nothing cached for this request, and %s sends none to the Hub", by)
}
