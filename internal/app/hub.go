package app

import (
	"context"
	"fmt"
	"strconv"

	"github.com/modelbrowser/modelbrowser/internal/cache"
	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/hf"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// Hub is the Hub client as the use cases use it: configured from the
// environment and the Options, with the cache underneath.
type Hub struct {
	// speed: read GGUF tensor infos with the shape (FIT_POLICY.md section 7).
	speed  bool
	env    Env
	client *hf.Client
	// refresher is the same client in refresh mode, for the browser's r
	// key; nil unless asked for.
	refresher *hf.Client
	offline   bool
	// writes is the cache's queue of writes (nil with NoCache), drained
	// by Close.
	writes *cache.WriteBehind
	// demo is the in-process sample Hub of OpenDemoHub, closed by Close.
	demo *hubtest.Server
	// token is true when a Hub token is set.
	token bool
}

// HasToken reports whether a Hub token is set (HF_TOKEN or the token
// file).
func (h *Hub) HasToken() bool { return h.token }

// OpenHub opens the Hub client and its cache. refreshable also builds the
// client the browser's refresh uses; one-shot commands need none.
func OpenHub(env Env, opts Options, refreshable bool) (*Hub, error) {
	readFile := env.ReadFile
	if readFile == nil {
		readFile = hf.ReadTokenFile
	}
	cfg, err := hf.ConfigFromEnv(env.getenv, readFile)
	if err != nil {
		return nil, err
	}
	cfg.Warn = func(msg string) { env.note("warning: " + msg) }
	cfg.Version = env.Version
	if opts.Offline {
		cfg.Offline, cfg.OfflineBy = true, "--offline" // what the user typed last wins
	}
	cfg.Refresh = opts.Refresh
	cfg.NoCache = opts.NoCache
	if opts.Wait != nil {
		cfg.Sleep = opts.Wait
	}
	h := &Hub{env: env, offline: cfg.Offline, token: cfg.Token != ""}
	if !opts.NoCache {
		// A warning while opening is told at once; one from a write in
		// the background waits for Close, on the caller's goroutine.
		st, err := OpenCache(env, func(msg string) {
			if h.writes != nil {
				h.writes.Warn(msg)
			} else {
				env.note("warning: " + msg)
			}
		})
		if err != nil {
			return nil, err
		}
		h.writes = cache.NewWriteBehind(st)
		cfg.Cache = h.writes
	}
	if h.client, err = hf.New(cfg); err != nil {
		return nil, err
	}
	if refreshable {
		rcfg := cfg
		rcfg.Refresh = !cfg.Offline
		rcfg.Warn = func(string) {} // told once already, by the first client
		if h.refresher, err = hf.New(rcfg); err != nil {
			return nil, err
		}
	}
	return h, nil
}

// Close waits for the cache writes still under way, then tells what the
// store had to say about them.
func (h *Hub) Close() {
	if h.demo != nil {
		h.demo.Close()
	}
	if h.writes == nil {
		return
	}
	for _, msg := range h.writes.Close() {
		h.env.note("warning: " + msg)
	}
}

// forget starts a new run for both clients: nothing they were answered is
// given from memory any more (the on-disk cache still is, by its rules).
func (h *Hub) forget() {
	h.client.Forget()
	if h.refresher != nil {
		h.refresher.Forget()
	}
}

func (h *Hub) pick(refresh bool) *hf.Client {
	if refresh && h.refresher != nil {
		return h.refresher
	}
	return h.client
}

// Model fetches one model's info and, when it needs it, its config.json
// for the context length. A failure to read config.json leaves the context
// unknown (the verdict says so); it is not an error.
func (h *Hub) Model(ctx context.Context, id, revision string) (compat.Model, error) {
	if err := hf.ValidateRepoID(id); err != nil {
		return compat.Model{}, err
	}
	m, meta, err := h.client.ModelInfo(ctx, id, revision)
	if err != nil {
		return compat.Model{}, err
	}
	if meta.Stale {
		h.env.note("the Hub did not answer; using the cached answer from " + text.Ago(h.env.now(), meta.FetchedAt))
	}
	if compat.NeedsConfigJSON(m) {
		if withCtx, err := h.client.ResolveContext(ctx, m); err == nil {
			m = withCtx
		} else if ctx.Err() != nil {
			h.env.note("context length unknown: " + context.Cause(ctx).Error())
		}
	}
	return m, nil
}

// OpenCache opens the on-disk cache at its configured place
// (MODELBROWSER_CACHE_DIR, else the user's cache directory), bounded by
// MODELBROWSER_CACHE_MAX_MB. A disk that fails degrades the store to
// memory with one warning to warn.
func OpenCache(env Env, warn func(string)) (*cache.Store, error) {
	dir, err := cache.Dir(env.getenv)
	if err != nil {
		return nil, err
	}
	maxBytes, err := cacheMaxBytes(env)
	if err != nil {
		return nil, err
	}
	return cache.Open(dir, cache.Options{MaxBytes: maxBytes, Warn: warn})
}

// CacheStat describes the cache without opening it: `cache info` creates,
// removes and touches nothing.
func CacheStat(env Env, warn func(string)) (cache.Info, error) {
	dir, err := cache.Dir(env.getenv)
	if err != nil {
		return cache.Info{}, err
	}
	maxBytes, err := cacheMaxBytes(env)
	if err != nil {
		return cache.Info{}, err
	}
	return cache.Stat(dir, cache.Options{MaxBytes: maxBytes, Warn: warn})
}

// cacheMaxBytes reads MODELBROWSER_CACHE_MAX_MB (default: the store's).
func cacheMaxBytes(env Env) (int64, error) {
	v := env.getenv("MODELBROWSER_CACHE_MAX_MB")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 || n > 1<<20 {
		return 0, fmt.Errorf("MODELBROWSER_CACHE_MAX_MB must be a whole number of megabytes from 1 to 1048576, got %q", text.OneLine(v, 40))
	}
	return n << 20, nil
}
