package hf

import (
	"context"
	"sync"

	"github.com/modelbrowser/modelbrowser/internal/cache"
)

// Cache is the storage the client keeps answers in: internal/cache
// implements it on disk; tests use a map. Freshness is decided here in hf,
// from Entry.FetchedAt, not by the store.
type Cache interface {
	Get(key string) (cache.Entry, bool)
	Put(e cache.Entry) error
}

// class is the kind of answer a request gets, which sets how long it
// stays fresh.
type class int

const (
	classList class = iota
	classInfo
	classConfigAtSHA
	classConfigAtRef
)

// get answers a GET of u: identical requests in flight at once share one
// round trip.
func (c *Client) get(ctx context.Context, u string, cl class) (*answer, error) {
	key := cache.Key("GET", u, cache.TokenFingerprint(c.cfg.Token))
	return c.flight.do(ctx, key, func(ctx context.Context) (*answer, error) {
		return c.retrying(ctx, u, "")
	})
}

// flight collapses concurrent calls for the same key into one (a tiny
// singleflight; internal/cache may offer one later).
type flight struct {
	mu    sync.Mutex
	calls map[string]*call
}

type call struct {
	done chan struct{}
	ans  *answer
	err  error
}

// do runs fn once per key at a time; the others wait for its result. A
// waiter whose leader was cancelled (its own context still alive) runs fn
// itself.
func (g *flight) do(ctx context.Context, key string, fn func(context.Context) (*answer, error)) (*answer, error) {
	for {
		g.mu.Lock()
		if g.calls == nil {
			g.calls = map[string]*call{}
		}
		if cl, ok := g.calls[key]; ok {
			g.mu.Unlock()
			select {
			case <-cl.done:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			if isCtxErr(cl.err) && ctx.Err() == nil {
				continue
			}
			return cl.ans, cl.err
		}
		cl := &call{done: make(chan struct{})}
		g.calls[key] = cl
		g.mu.Unlock()

		cl.ans, cl.err = fn(ctx)
		g.mu.Lock()
		delete(g.calls, key)
		g.mu.Unlock()
		close(cl.done)
		return cl.ans, cl.err
	}
}

func isCtxErr(err error) bool {
	return err == context.Canceled || err == context.DeadlineExceeded
}
