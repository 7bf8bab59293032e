package hf

import (
	"net/http"
	"sync"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/modelbrowser/modelbrowser/internal/cache"
)

// What one run has asked: the answers and the refusals a client got,
// remembered in memory so that the same URL is not asked twice in a run,
// whatever the disk cache holds (--refresh, --no-cache, a cache that
// cannot write, an answer the cache never stores). Only the requests of
// the fit and of the context length are remembered: config.json, the file
// sizes of a commit and GGUF headers. Lists and model info are not: the
// browser's refresh asks them again on purpose.

// asked is a client's memory of the answers it got in this run.
type asked struct {
	mu sync.Mutex
	m  map[string]recalled
}

// recalled is one remembered outcome: an answer (its body, not its
// decoded value) or the error the Hub answered with.
type recalled struct {
	at  time.Time
	ttl time.Duration // negative: for the client's whole life
	ans *answer
	err error
}

// recall returns key's outcome if one is remembered and still within its
// time to live at now.
func (a *asked) recall(key string, now time.Time) (recalled, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	r, ok := a.m[key]
	if !ok {
		return recalled{}, false
	}
	if r.ttl >= 0 {
		if age := now.Sub(r.at); age < 0 || age >= r.ttl {
			delete(a.m, key)
			return recalled{}, false
		}
	}
	return r, true
}

func (a *asked) keep(key string, r recalled) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.m == nil {
		a.m = make(map[string]recalled)
	}
	a.m[key] = r
}

// Forget starts a new run for this client: what it was answered so far is
// no longer given from memory, so the next call of each URL reads the
// cache or, with Refresh, asks the Hub again. The browser's refresh key
// is such a new run (a licence accepted meanwhile is then seen).
func (c *Client) Forget() {
	c.asked.mu.Lock()
	defer c.asked.mu.Unlock()
	c.asked.m = nil
}

// remembered reports whether the answers of a class are remembered for
// the run.
func (cl class) remembered() bool {
	switch cl {
	case classConfigAtSHA, classConfigAtRef, classFilesAtSHA, classCardAtSHA, classCardAtRef:
		return true
	}
	return false
}

// recallAnswer answers from the run's memory: a copy of the remembered
// answer with a value decoded for this caller, or the remembered error.
func (c *Client) recallAnswer(key string, dec decoder) (*answer, error, bool) {
	r, ok := c.asked.recall(key, c.cfg.Now())
	if !ok {
		return nil, nil, false
	}
	if r.err != nil {
		return nil, r.err, true
	}
	out := *r.ans
	v, err := dec(out.body)
	if err != nil {
		return nil, err, true
	}
	out.value = v
	return &out, nil, true
}

// rememberAnswer keeps an answer of the Hub (a 200, or a 304 that
// revalidated the cached body) for the rest of the class's time to live.
func (c *Client) rememberAnswer(key string, cl class, ans *answer) {
	if !cl.remembered() {
		return
	}
	kept := *ans
	kept.value = nil
	c.asked.keep(key, recalled{at: c.cfg.Now(), ttl: cl.ttl(), ans: &kept})
}

// rememberError keeps an error the Hub answered with (a refusal, a
// missing file, a body that does not decode). Failures to get an answer
// at all (network, timeout, 408, 429, 5xx) are never kept: asking again
// may succeed.
func (c *Client) rememberError(key string, cl class, err error) {
	if !cl.remembered() {
		return
	}
	ttl := TTLNotFound
	if cl.refusable() {
		ttl = TTLRefusal
	}
	c.asked.keep(key, recalled{at: c.cfg.Now(), ttl: ttl, err: err})
}

// answered reports whether e is the Hub's answer about the thing asked
// (401, 403, 404 and the other 4xx but 408 and 429), not a failure to
// answer.
func answered(e *Error) bool {
	return e.Status >= 400 && e.Status < 500 && e.Status != http.StatusRequestTimeout && e.Status != http.StatusTooManyRequests
}

// A config.json the Hub refused (401, 403) or does not have (404) is
// cached like an answer, for TTLRefusal, under a key that names whether a
// token was sent but not which: the refusal of a gated repo depends on the
// token having been granted access, and a token's fingerprint would keep
// the refusal of one token from the next run with the same token only.
// --refresh, or a run with a token where there was none (or the reverse),
// asks again. A refused token (BadToken) is not cached across runs: it is
// about the token's value, and a corrected HF_TOKEN must be asked with at
// once.

// refusalKey is the cache key of a refused config.json.
func (c *Client) refusalKey(u string) string {
	state := "anonymous"
	if c.cfg.Token != "" {
		state = "with-token"
	}
	return cache.Key(http.MethodGet, u, "refused:"+state)
}

// refusal is the stored form of a refused config.json: what rebuilds the
// same *Error the Hub's answer made. Status and the Hub's error code and
// request id are the entry's own fields.
type refusal struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
}

// cachedKinds are the kinds a refusal is stored with, by name (a stored
// number would change meaning with the constants' order).
var cachedKinds = map[string]Kind{"not found": NotFound, "gated": Gated}

// storableRefusal reports whether a config.json error is cached across
// runs.
func storableRefusal(e *Error) bool {
	switch e.Status {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound:
		return e.Kind == NotFound || e.Kind == Gated
	}
	return false
}

// putRefusal stores a refused config.json at now.
func (c *Client) putRefusal(useCache bool, u string, e *Error, now time.Time) {
	body, err := json.Marshal(refusal{Kind: e.Kind.String(), Message: e.Message})
	if err != nil {
		return
	}
	c.put(useCache, cache.Entry{Key: c.refusalKey(u), FetchedAt: now, Status: e.Status, Body: body,
		Header: map[string]string{"X-Error-Code": e.code, "X-Request-Id": e.RequestID}})
}

// refusalFromEntry rebuilds the *Error of a stored refusal; false when the
// entry is not one this version reads.
func refusalFromEntry(e cache.Entry) (*Error, bool) {
	switch e.Status {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound:
	default:
		return nil, false
	}
	var r refusal
	if json.Unmarshal(e.Body, &r) != nil || r.Message == "" {
		return nil, false
	}
	kind, ok := cachedKinds[r.Kind]
	if !ok {
		return nil, false
	}
	return &Error{Kind: kind, Status: e.Status, Message: r.Message,
		RequestID: e.Header["X-Request-Id"], code: e.Header["X-Error-Code"]}, true
}

// errHeaderCause is the cause of a cached unreadable GGUF header: the
// parser's own words, and the gguf sentinel it wrapped, so errors.Is
// answers as it did for the live read.
type errHeaderCause struct {
	text string
	is   error
}

func (e *errHeaderCause) Error() string { return e.text }
func (e *errHeaderCause) Unwrap() error { return e.is }
