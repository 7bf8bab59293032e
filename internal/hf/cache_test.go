package hf

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/cache"
	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest/hubtesting"
	"github.com/modelbrowser/modelbrowser/internal/query"
)

// memCache is the in-memory Cache of the tests.
type memCache struct {
	mu   sync.Mutex
	m    map[string]cache.Entry
	puts int
}

func newMemCache() *memCache { return &memCache{m: map[string]cache.Entry{}} }

func (c *memCache) Get(key string) (cache.Entry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	return e, ok
}

func (c *memCache) Put(e cache.Entry) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[e.Key] = e
	c.puts++
	return nil
}

func (c *memCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func cachedClient(t *testing.T, endpoint string, mc *memCache, clk *clock, mods ...func(*Config)) *Client {
	t.Helper()
	c, _ := newTestClient(t, endpoint, append([]func(*Config){func(c *Config) {
		c.Cache, c.Now = mc, clk.Now
	}}, mods...)...)
	return c
}

func newClock() *clock { return &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func TestCacheFreshness(t *testing.T) {
	ctx := context.Background()
	type call func(c *Client) error
	info := func(id string) call {
		return func(c *Client) error { _, _, err := c.ModelInfo(ctx, id, ""); return err }
	}
	list := func(c *Client) error {
		_, err := c.ListPage(ctx, ListOptions{Query: query.Query{Text: "qwen"}}, "")
		return err
	}
	config := func(sha string) call {
		return func(c *Client) error {
			m := compat.Model{ID: "Qwen/Qwen3-0.6B", SHA: sha}
			_, err := c.ResolveContext(ctx, m)
			return err
		}
	}
	repo := hubtest.Fixtures()
	sha := ""
	for _, r := range repo {
		if r.ID == "Qwen/Qwen3-0.6B" {
			sha = r.SHA
		}
	}
	tests := map[string]struct {
		call     call
		ttl      time.Duration // 0: forever
		notFound bool
	}{
		"list page 10 min":             {call: list, ttl: 10 * time.Minute},
		"model info 1 h":               {call: info("Qwen/Qwen3-0.6B"), ttl: time.Hour},
		"config.json at main 1 h":      {call: config(""), ttl: time.Hour},
		"config.json at a sha forever": {call: config(sha)},
		"not found 5 min":              {call: info("Qwen/nothing-here"), ttl: 5 * time.Minute, notFound: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			hub := hubtesting.New(t)
			mc, clk := newMemCache(), newClock()
			c := cachedClient(t, hub.URL, mc, clk)
			check := func(err error) {
				t.Helper()
				if tc.notFound {
					assert.True(t, IsKind(err, NotFound), "%v", err)
				} else {
					assert.NoError(t, err)
				}
			}
			check(tc.call(c))
			require.Equal(t, 1, hub.Count(hubtest.RouteAny))
			require.Equal(t, 1, mc.len())

			if tc.ttl == 0 {
				clk.advance(365 * 24 * time.Hour)
				check(tc.call(c))
				assert.Equal(t, 1, hub.Count(hubtest.RouteAny), "a commit's config.json never expires")
				return
			}
			clk.advance(tc.ttl - time.Second)
			check(tc.call(c))
			assert.Equal(t, 1, hub.Count(hubtest.RouteAny), "fresh: no request")

			clk.advance(2 * time.Second)
			check(tc.call(c))
			require.Equal(t, 2, hub.Count(hubtest.RouteAny), "expired: asked again")
			if !tc.notFound {
				last := hub.Requests()[1]
				assert.NotEmpty(t, last.Header.Get("If-None-Match"), "revalidated with the stored ETag")
				// The 304 refreshed FetchedAt: fresh again for a full TTL.
				clk.advance(tc.ttl - time.Second)
				check(tc.call(c))
				assert.Equal(t, 2, hub.Count(hubtest.RouteAny))
			}
		})
	}
}

func TestCacheNeverStoresFailures(t *testing.T) {
	for _, status := range []int{401, 403, 429, 500, 503} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			hub := hubtesting.New(t)
			hub.Fail(hubtest.Fault{Route: hubtest.RouteInfo, Status: status, Header: map[string]string{"RateLimit": `"api";r=0;t=3000`}})
			mc, clk := newMemCache(), newClock()
			c := cachedClient(t, hub.URL, mc, clk)
			_, _, err := c.ModelInfo(context.Background(), "openai-community/gpt2", "")
			require.Error(t, err)
			assert.Zero(t, mc.len())
		})
	}
	// Anonymous unknown repo: 401, not stored either.
	hub := hubtesting.New(t)
	mc := newMemCache()
	c := cachedClient(t, hub.URL, mc, newClock(), anonymous)
	_, _, err := c.ModelInfo(context.Background(), "nobody/nothing", "")
	require.True(t, IsKind(err, NotFound))
	assert.Zero(t, mc.len())
}

func TestCacheStaleIfError(t *testing.T) {
	tests := map[string]struct {
		fault hubtest.Fault
		down  bool
		kind  Kind
	}{
		"5xx":          {fault: hubtest.Fault{Route: hubtest.RouteInfo, Status: 503}, kind: Unavailable},
		"rate limited": {fault: hubtest.Fault{Route: hubtest.RouteInfo, Status: 429}, kind: RateLimited},
		"timeout":      {fault: hubtest.Fault{Route: hubtest.RouteInfo, Stall: 5 * time.Second}, kind: Timeout},
		"unreachable":  {down: true, kind: Network},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			hub := hubtesting.New(t)
			mc, clk := newMemCache(), newClock()
			c := cachedClient(t, hub.URL, mc, clk, func(c *Config) { c.Timeout = 100 * time.Millisecond })
			ctx := context.Background()
			first, meta, err := c.ModelInfo(ctx, "openai-community/gpt2", "")
			require.NoError(t, err)
			assert.False(t, meta.FromCache)
			fetched := clk.Now()

			clk.advance(3 * time.Hour)
			if tc.down {
				hub.Close()
			} else {
				hub.Fail(tc.fault)
			}
			m, meta, err := c.ModelInfo(ctx, "openai-community/gpt2", "")
			require.NoError(t, err, "the stale answer is served")
			assert.Equal(t, first, m)
			assert.True(t, meta.FromCache)
			assert.True(t, meta.Stale)
			assert.Equal(t, fetched, meta.FetchedAt)
			assert.True(t, IsKind(meta.Err, tc.kind), "%v", meta.Err)
		})
	}
}

func TestCacheOffline(t *testing.T) {
	hub := hubtesting.New(t)
	mc, clk := newMemCache(), newClock()
	online := cachedClient(t, hub.URL, mc, clk)
	_, _, err := online.ModelInfo(context.Background(), "Qwen/Qwen3-0.6B", "")
	require.NoError(t, err)
	hub.ResetRequests()

	offline := cachedClient(t, hub.URL, mc, clk, func(c *Config) { c.Offline = true })
	m, meta, err := offline.ModelInfo(context.Background(), "Qwen/Qwen3-0.6B", "")
	require.NoError(t, err)
	assert.Equal(t, "qwen3", m.Architecture.Value)
	assert.True(t, meta.FromCache)
	assert.False(t, meta.Stale)

	clk.advance(48 * time.Hour)
	_, meta, err = offline.ModelInfo(context.Background(), "Qwen/Qwen3-0.6B", "")
	require.NoError(t, err)
	assert.True(t, meta.Stale, "old entries are served, marked")

	_, _, err = offline.ModelInfo(context.Background(), "openai-community/gpt2", "")
	assert.True(t, IsKind(err, Offline), "%v", err)
	_, err = offline.ListPage(context.Background(), ListOptions{Query: query.Query{Text: "x"}}, "")
	assert.True(t, IsKind(err, Offline))
	noCache, _ := newTestClient(t, hub.URL, func(c *Config) { c.Offline, c.OfflineBy = true, "HF_HUB_OFFLINE=1" })
	_, _, err = noCache.ModelInfo(context.Background(), "Qwen/Qwen3-0.6B", "")
	assert.True(t, IsKind(err, Offline))
	assert.Equal(t, "nothing cached for this request, and HF_HUB_OFFLINE=1 sends none to the Hub", err.Error(), "names what the user set")
	byFlag, _ := newTestClient(t, hub.URL, func(c *Config) { c.Offline, c.OfflineBy = true, "--offline" })
	_, _, err = byFlag.ModelInfo(context.Background(), "Qwen/Qwen3-0.6B", "")
	assert.Contains(t, err.Error(), "--offline sends none")
	assert.NotContains(t, err.Error(), "HF_HUB_OFFLINE")

	assert.Equal(t, 0, hub.Count(hubtest.RouteAny), "offline makes no request")
}

func TestCacheRefreshRevalidates(t *testing.T) {
	hub := hubtesting.New(t)
	mc, clk := newMemCache(), newClock()
	c := cachedClient(t, hub.URL, mc, clk)
	_, _, err := c.ModelInfo(context.Background(), "openai-community/gpt2", "")
	require.NoError(t, err)
	etag := hub.Requests()[0].Header.Get("If-None-Match")
	assert.Empty(t, etag)

	clk.advance(time.Minute)
	refresh := cachedClient(t, hub.URL, mc, clk, func(c *Config) { c.Refresh = true })
	m, meta, err := refresh.ModelInfo(context.Background(), "openai-community/gpt2", "")
	require.NoError(t, err)
	assert.Equal(t, "gpt2", m.Architecture.Value)
	require.Equal(t, 2, hub.Count(hubtest.RouteAny), "refresh asks even when fresh")
	assert.True(t, strings.HasPrefix(hub.Requests()[1].Header.Get("If-None-Match"), `W/"`))
	assert.True(t, meta.FromCache, "304: the stored body")
	assert.False(t, meta.Stale)
	assert.Equal(t, clk.Now(), meta.FetchedAt, "FetchedAt refreshed")
	assert.NotEmpty(t, meta.RequestID)

	// The repo changed on the Hub: refresh gets the new body with a 200.
	r, _ := hub.Repo("openai-community/gpt2")
	r.Likes = 99999
	hub.AddRepos(r)
	m, meta, err = refresh.ModelInfo(context.Background(), "openai-community/gpt2", "")
	require.NoError(t, err)
	assert.EqualValues(t, 99999, m.Likes)
	assert.False(t, meta.FromCache)
}

func TestCacheBypassAndTokenSeparation(t *testing.T) {
	hub := hubtesting.New(t)
	mc, clk := newMemCache(), newClock()
	nc := cachedClient(t, hub.URL, mc, clk, func(c *Config) { c.NoCache = true })
	for range 2 {
		_, _, err := nc.ModelInfo(context.Background(), "openai-community/gpt2", "")
		require.NoError(t, err)
	}
	assert.Equal(t, 2, hub.Count(hubtest.RouteAny))
	assert.Zero(t, mc.len(), "no-cache neither reads nor writes")

	withToken := cachedClient(t, hub.URL, mc, clk)
	anon := cachedClient(t, hub.URL, mc, clk, anonymous)
	_, _, err := withToken.ModelInfo(context.Background(), "openai-community/gpt2", "")
	require.NoError(t, err)
	_, _, err = anon.ModelInfo(context.Background(), "openai-community/gpt2", "")
	require.NoError(t, err)
	assert.Equal(t, 4, hub.Count(hubtest.RouteAny), "answers for a token are not served anonymously")
	for k := range mc.m {
		assert.NotContains(t, k, testToken)
	}
}

func TestCacheKeepsLinkForPaging(t *testing.T) {
	hub := hubtesting.New(t, hubtest.Options{PageSize: 7, NoFixtures: true, Synthetic: 30})
	mc, clk := newMemCache(), newClock()
	c := cachedClient(t, hub.URL, mc, clk)
	first, err := listAll(c, ListOptions{}, nil)
	require.NoError(t, err)
	again, err := listAll(c, ListOptions{}, nil)
	require.NoError(t, err)
	assert.Equal(t, first, again)
	assert.Equal(t, 5, hub.Count(hubtest.RouteList), "the second listing came from the cache, pages and links")
}

func TestDuplicateRequestsCollapse(t *testing.T) {
	hub := hubtesting.New(t)
	hub.Fail(hubtest.Fault{Route: hubtest.RouteInfo, Stall: 150 * time.Millisecond, Times: 1})
	mc, clk := newMemCache(), newClock()
	c := cachedClient(t, hub.URL, mc, clk)
	var wg sync.WaitGroup
	start := make(chan struct{})
	models := make([]compat.Model, 8)
	for i := range models {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			m, _, err := c.ModelInfo(context.Background(), "openai-community/gpt2", "")
			if assert.NoError(t, err) {
				models[i] = m
			}
		}()
	}
	close(start)
	wg.Wait()
	assert.Equal(t, 1, hub.Count(hubtest.RouteAny))
	tags := map[*string]bool{}
	for _, m := range models {
		assert.Equal(t, "openai-community/gpt2", m.ID)
		require.NotEmpty(t, m.Tags)
		tags[&m.Tags[0]] = true
	}
	assert.Len(t, tags, len(models), "each caller decoded a value of its own")
}

func TestFlightCancelledLeaderDoesNotPoisonWaiters(t *testing.T) {
	var g flight
	leaderIn := make(chan struct{})
	release := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	leaderDone := make(chan error)
	go func() {
		_, led, err := g.do(ctx, "k", func(ctx context.Context) (*answer, error) {
			close(leaderIn)
			<-release
			return nil, context.Canceled
		})
		if !led {
			err = errors.New("the first caller did not lead")
		}
		leaderDone <- err
	}()
	<-leaderIn
	done := make(chan error)
	go func() {
		ans, led, err := g.do(context.Background(), "k", func(context.Context) (*answer, error) {
			return &answer{status: 200}, nil
		})
		if err == nil && (ans.status != 200 || !led) {
			err = assert.AnError
		}
		done <- err
	}()
	time.Sleep(10 * time.Millisecond)
	cancel()
	close(release)
	assert.NoError(t, <-done, "the waiter asked again itself")
	assert.ErrorIs(t, <-leaderDone, context.Canceled)
}

func TestFlightContexts(t *testing.T) {
	t.Run("a waiter whose context ends is not stuck behind the leader", func(t *testing.T) {
		var g flight
		leaderIn, release := make(chan struct{}), make(chan struct{})
		defer close(release)
		go g.do(context.Background(), "k", func(context.Context) (*answer, error) {
			close(leaderIn)
			<-release
			return &answer{status: 200}, nil
		})
		<-leaderIn
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		start := time.Now()
		ans, led, err := g.do(ctx, "k", func(context.Context) (*answer, error) {
			t.Error("a waiter ran fn while the leader's call was in flight")
			return nil, nil
		})
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Nil(t, ans)
		assert.False(t, led)
		assert.Less(t, time.Since(start), time.Second)
	})
	t.Run("a cancelled leader waits for its own request", func(t *testing.T) {
		var g flight
		ctx, cancel := context.WithCancel(context.Background())
		var finished atomic.Bool
		in := make(chan struct{})
		go func() { <-in; cancel() }()
		_, led, err := g.do(ctx, "k", func(ctx context.Context) (*answer, error) {
			close(in)
			<-ctx.Done()
			time.Sleep(20 * time.Millisecond) // cleaning up after the cancel
			finished.Store(true)
			return nil, ctx.Err()
		})
		assert.ErrorIs(t, err, context.Canceled)
		assert.True(t, led)
		assert.True(t, finished.Load(), "do returned before its request ended")
	})
	t.Run("callers at once share one run", func(t *testing.T) {
		var g flight
		var runs, leaders atomic.Int32
		release := make(chan struct{})
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ans, led, err := g.do(context.Background(), "k", func(context.Context) (*answer, error) {
					runs.Add(1)
					<-release
					return &answer{status: 200}, nil
				})
				if assert.NoError(t, err) {
					assert.Equal(t, 200, ans.status)
				}
				if led {
					leaders.Add(1)
				}
			}()
		}
		time.Sleep(20 * time.Millisecond)
		close(release)
		wg.Wait()
		assert.Equal(t, runs.Load(), leaders.Load(), "led is true for the callers whose fn ran")
		assert.Less(t, runs.Load(), int32(8), "callers in flight together shared a run")
	})
}

// The disk store of internal/cache is a Cache: a listing survives a new
// client (a new process) and is served with no request.
func TestCacheWithDiskStore(t *testing.T) {
	var _ Cache = (*cache.Store)(nil)
	hub := hubtesting.New(t, hubtest.Options{PageSize: 7, NoFixtures: true, Synthetic: 10})
	dir := t.TempDir()
	clk := newClock()
	for range 2 {
		store, err := cache.Open(dir, cache.Options{Now: clk.Now})
		require.NoError(t, err)
		c, _ := newTestClient(t, hub.URL, func(c *Config) { c.Cache, c.Now = store, clk.Now })
		models, err := listAll(c, ListOptions{}, nil)
		require.NoError(t, err)
		assert.Len(t, models, 10)
	}
	assert.Equal(t, 2, hub.Count(hubtest.RouteList))
}
