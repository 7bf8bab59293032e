package hf

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/modelbrowser/modelbrowser/internal/cache"
	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// DefaultConcurrency is how many config.json reads ResolveContexts runs at
// once when not told.
const DefaultConcurrency = 4

// ModelInfo fetches one model (GET /api/models/{id}, or
// /api/models/{id}/revision/{rev} when revision is set) with the same
// expand[] as a list, so its facts match the list's. A renamed repo's
// 307 is followed: the returned Model.ID is the new id.
func (c *Client) ModelInfo(ctx context.Context, id, revision string) (compat.Model, Meta, error) {
	if err := ValidateRepoID(id); err != nil {
		return compat.Model{}, Meta{}, err
	}
	if revision != "" {
		if err := validateRevision(revision); err != nil {
			return compat.Model{}, Meta{}, err
		}
	}
	ans, err := c.get(ctx, c.infoURL(id, revision), classInfo, decodeModel, nil)
	if err != nil {
		return compat.Model{}, Meta{}, err
	}
	return ans.value.(compat.Model), ans.meta, nil
}

func decodeModel(body []byte) (any, error) { return DecodeModel(body) }

// infoURL is the model info's URL, with the list's expand[].
func (c *Client) infoURL(id, revision string) string {
	u := c.cfg.Endpoint + "/api/models/" + repoPath(id)
	if revision != "" {
		u += "/revision/" + url.PathEscape(revision)
	}
	q := url.Values{"expand[]": ListExpand}
	return u + "?" + q.Encode()
}

// keepAsInfo stores a model info the Hub just sent with blobs=true (the
// full object, every field of the list's expand[] among them) also as
// the repository's plain model info, so that check finds offline what
// the browser's fit read: one cache for every command. An answer that
// does not decode, or one older than what is stored, is not kept.
func (c *Client) keepAsInfo(useCache bool, body []byte, at time.Time) {
	if !useCache {
		return
	}
	m, err := DecodeModel(body)
	if err != nil || ValidateRepoID(m.ID) != nil {
		return
	}
	key := cache.Key(http.MethodGet, c.infoURL(m.ID, ""), cache.TokenFingerprint(c.cfg.Token))
	if e, ok := c.cfg.Cache.Get(key); ok && !e.FetchedAt.Before(at) {
		return
	}
	c.put(useCache, cache.Entry{Key: key, FetchedAt: at, Status: http.StatusOK, Body: body})
}

// decodeConfigJSON decodes a config.json as encoding/json did (numbers
// become float64, which compat.ContextFromConfig reads by the number
// rule), with the options of the Hub's JSON.
func decodeConfigJSON(body []byte, what string) (map[string]any, error) {
	var cfg map[string]any
	err := json.Unmarshal(body, &cfg, decodeOptions)
	var se *json.SemanticError
	switch {
	case err == nil:
		return cfg, nil
	case len(bytes.TrimSpace(body)) == 0:
		return nil, newError(BadResponse, err, "%s is empty or cut short", what)
	case errors.As(err, &se):
		return nil, newError(BadResponse, err, "%s: %s", what, semanticReason(err))
	}
	return nil, syntaxError(what, err, len(body))
}

// validateRevision refuses a revision that cannot name a git ref.
func validateRevision(rev string) error {
	if len(rev) > 256 {
		return newError(Invalid, nil, "invalid revision: too long")
	}
	for i := 0; i < len(rev); i++ {
		if rev[i] < ' ' || rev[i] == 0x7f {
			return newError(Invalid, nil, "invalid revision %q: control characters", text.OneLine(rev, 60))
		}
	}
	return nil
}

// IsCommit reports whether rev is a full 40-hex commit sha.
func IsCommit(rev string) bool {
	if len(rev) != 40 {
		return false
	}
	for i := 0; i < len(rev); i++ {
		c := rev[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// ResolveContext reads the repo's config.json (GET
// /{id}/resolve/{sha or main}/config.json) for the context length when the
// model has none from GGUF. A gated (401/403) or missing (404) config.json
// leaves the context unknown, which the engine reports as CTX_UNKNOWN: it
// is not an error. Other failures return m unchanged with the error.
func (c *Client) ResolveContext(ctx context.Context, m compat.Model) (compat.Model, error) {
	if !compat.NeedsConfigJSON(m) {
		return m, nil
	}
	if err := ValidateRepoID(m.ID); err != nil {
		return m, err
	}
	rev, cl := "main", classConfigAtRef
	if IsCommit(m.SHA) {
		rev, cl = m.SHA, classConfigAtSHA
	}
	u := c.cfg.Endpoint + "/" + repoPath(m.ID) + "/resolve/" + rev + "/config.json"
	ans, err := c.get(ctx, u, cl, func(body []byte) (any, error) {
		return decodeConfigJSON(body, "config.json of "+safeID(m.ID))
	}, nil)
	if err != nil {
		if IsKind(err, NotFound) || IsKind(err, Gated) {
			return m, nil
		}
		return m, err
	}
	return compat.WithConfigJSON(m, ans.value.(map[string]any)), nil
}

// ResolveContexts runs ResolveContext over models, at most concurrency at
// a time (default 4), and returns them in the same order. Models that
// need no config.json cost no request; failures leave the context unknown.
func (c *Client) ResolveContexts(ctx context.Context, models []compat.Model, concurrency int) []compat.Model {
	if concurrency <= 0 {
		concurrency = DefaultConcurrency
	}
	out := make([]compat.Model, len(models))
	copy(out, models)
	sem := make(chan struct{}, concurrency)
	var wg sync.WaitGroup
	for i, m := range models {
		if !compat.NeedsConfigJSON(m) {
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			wg.Wait()
			return out
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			out[i], _ = c.ResolveContext(ctx, m)
		}()
	}
	wg.Wait()
	return out
}
