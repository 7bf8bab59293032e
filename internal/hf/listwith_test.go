package hf

import (
	"context"
	"crypto/sha256"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/cache"
	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest/hubtesting"
)

func TestPagesWithDecoder(t *testing.T) {
	hub := hubtesting.New(t, hubtest.Options{PageSize: 7, NoFixtures: true, Synthetic: 20})
	mc := newMemCache()
	c, _ := newTestClient(t, hub.URL, func(cfg *Config) { cfg.Cache = mc })
	var want [][]compat.Model
	for p, err := range c.Pages(context.Background(), ListOptions{}) {
		require.NoError(t, err)
		want = append(want, p.Models)
	}
	require.Len(t, want, 3)

	// The decoder sees the same bodies, served from the cache now.
	calls := 0
	ids := func(body []byte) (any, error) {
		calls++
		ms, _, err := DecodeList(body)
		var out []string
		for _, m := range ms {
			out = append(out, m.ID)
		}
		return out, err
	}
	n := 0
	for p, err := range c.PagesWith(context.Background(), ListOptions{}, &PageDecoder{Decode: ids}, 0) {
		require.NoError(t, err)
		assert.Nil(t, p.Models)
		assert.True(t, p.Meta.FromCache)
		require.Less(t, n, len(want))
		require.Len(t, p.Value, len(want[n]))
		for i, id := range p.Value.([]string) {
			assert.Equal(t, want[n][i].ID, id)
		}
		n++
	}
	assert.Equal(t, 3, n)
	assert.Equal(t, 3, calls)
	assert.Equal(t, 3, hub.Count(hubtest.RouteList), "the second listing asked the Hub nothing")
}

func TestListPageWithRefusedBodyIsNotStored(t *testing.T) {
	hub := hubtesting.New(t, hubtest.Options{PageSize: 7, NoFixtures: true, Synthetic: 20})
	mc := newMemCache()
	c, _ := newTestClient(t, hub.URL, func(cfg *Config) { cfg.Cache = mc })
	refuse := func([]byte) (any, error) { return nil, newError(BadResponse, errors.New("no"), "refused") }
	_, err := c.ListPageWith(context.Background(), ListOptions{}, "", &PageDecoder{Decode: refuse})
	require.Error(t, err)
	assert.True(t, IsKind(err, BadResponse))
	assert.Zero(t, mc.puts, "a refused answer is never stored")
}

// headMem is memCache with Head, counting the reads of whole entries.
type headMem struct {
	*memCache
	gets, heads int
}

func (h *headMem) Get(key string) (cache.Entry, bool) {
	h.gets++
	return h.memCache.Get(key)
}

func (h *headMem) Head(key string) (cache.Entry, [32]byte, bool) {
	h.heads++
	e, ok := h.memCache.Get(key)
	sum := sha256.Sum256(e.Body)
	e.Body = nil
	return e, sum, ok
}

func TestPagesWithKnownSkipsTheBody(t *testing.T) {
	hub := hubtesting.New(t, hubtest.Options{PageSize: 7, NoFixtures: true, Synthetic: 20})
	hc := &headMem{memCache: newMemCache()}
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	c, _ := newTestClient(t, hub.URL, func(cfg *Config) { cfg.Cache = hc; cfg.Now = clock })

	// What each page decodes to, by the sha256 of its body.
	kept := map[[32]byte]any{}
	decodes := 0
	dec := &PageDecoder{
		Decode: func(body []byte) (any, error) {
			decodes++
			ms, _, err := DecodeList(body)
			if err == nil {
				kept[sha256.Sum256(body)] = len(ms)
			}
			return len(ms), err
		},
		Known: func(sum [32]byte) (any, bool) { v, ok := kept[sum]; return v, ok },
	}
	list := func(c *Client) (n int, meta []Meta) {
		for p, err := range c.PagesWith(context.Background(), ListOptions{}, dec, 0) {
			require.NoError(t, err)
			n += p.Value.(int)
			meta = append(meta, p.Meta)
		}
		return n, meta
	}
	n, _ := list(c)
	require.Equal(t, 20, n)
	require.Equal(t, 3, decodes)
	require.Equal(t, 3, hub.Count(hubtest.RouteList))

	// Fresh and known: served from the head, no body read, nothing decoded.
	hc.gets = 0
	n, meta := list(c)
	assert.Equal(t, 20, n)
	assert.Equal(t, 3, decodes)
	assert.Zero(t, hc.gets, "no body was read")
	assert.Equal(t, 3, hub.Count(hubtest.RouteList))
	for _, m := range meta {
		assert.True(t, m.FromCache)
		assert.False(t, m.Stale)
	}

	// Past the TTL: the Hub is asked again, as without Known.
	now = now.Add(TTLList + time.Minute)
	n, _ = list(c)
	assert.Equal(t, 20, n)
	assert.Equal(t, 6, hub.Count(hubtest.RouteList))

	// Offline, an old page is served from its head, marked stale.
	now = now.Add(TTLList + time.Minute)
	off, _ := newTestClient(t, hub.URL, func(cfg *Config) { cfg.Cache = hc; cfg.Now = clock; cfg.Offline = true })
	hc.gets = 0
	n, meta = list(off)
	assert.Equal(t, 20, n)
	assert.Zero(t, hc.gets)
	for _, m := range meta {
		assert.True(t, m.Stale)
	}
	assert.Equal(t, 6, hub.Count(hubtest.RouteList))

	// Refresh always asks the Hub.
	ref, _ := newTestClient(t, hub.URL, func(cfg *Config) { cfg.Cache = hc; cfg.Now = clock; cfg.Refresh = true })
	list(ref)
	assert.Equal(t, 9, hub.Count(hubtest.RouteList))

	// A body Known does not know is read and decoded.
	clear(kept)
	hc.gets, decodes = 0, 0
	n, _ = list(c)
	assert.Equal(t, 20, n)
	assert.Equal(t, 3, decodes)
	assert.Equal(t, 3, hc.gets)
}

func TestPagesAskedEarly(t *testing.T) {
	hub := hubtesting.New(t, hubtest.Options{PageSize: 7, NoFixtures: true, Synthetic: 35})
	c, _ := newTestClient(t, hub.URL)
	var want [][]compat.Model
	for p, err := range c.Pages(context.Background(), ListOptions{}) {
		require.NoError(t, err)
		want = append(want, p.Models)
	}
	require.Len(t, want, 5)
	base := hub.Count(hubtest.RouteList)

	// Page 1's body stalls after its headers: page 2 is asked meanwhile.
	hub.Fail(hubtest.Fault{Route: hubtest.RouteList, Page: 1, Times: 1, Stall: 200 * time.Millisecond})
	var mu sync.Mutex
	askedBeforePage1Decoded := 0
	dec := &PageDecoder{Decode: func(body []byte) (any, error) {
		ms, _, err := DecodeList(body) // called from several goroutines at once
		if err == nil && len(ms) > 0 && ms[0].ID == want[0][0].ID {
			mu.Lock()
			askedBeforePage1Decoded = hub.Count(hubtest.RouteList) - base
			mu.Unlock()
		}
		return ms, err
	}}
	var got [][]compat.Model
	for p, err := range c.PagesWith(context.Background(), ListOptions{}, dec, 5) {
		require.NoError(t, err)
		got = append(got, p.Value.([]compat.Model))
	}
	assert.GreaterOrEqual(t, askedBeforePage1Decoded, 2, "page 2 was asked while page 1 was read")
	assert.Equal(t, want, got, "the same pages, in order")
	assert.Equal(t, 5, hub.Count(hubtest.RouteList)-base, "each page asked once")
}

func TestPagesNeverAskedPastAhead(t *testing.T) {
	hub := hubtesting.New(t, hubtest.Options{PageSize: 7, NoFixtures: true, Synthetic: 35})
	c, _ := newTestClient(t, hub.URL)
	n := 0
	for _, err := range c.PagesWith(context.Background(), ListOptions{}, nil, 2) {
		require.NoError(t, err)
		if n++; n == 2 {
			break
		}
	}
	assert.Equal(t, 2, hub.Count(hubtest.RouteList), "page 3 is past ahead")

	// Stopping early cancels what was asked ahead and waits for it.
	hub2 := hubtesting.New(t, hubtest.Options{PageSize: 7, NoFixtures: true, Synthetic: 35})
	c2, _ := newTestClient(t, hub2.URL)
	hub2.Fail(hubtest.Fault{Route: hubtest.RouteList, Page: 2, Stall: 5 * time.Second})
	start := time.Now()
	for _, err := range c2.PagesWith(context.Background(), ListOptions{}, nil, 5) {
		require.NoError(t, err)
		break
	}
	assert.Less(t, time.Since(start), 2*time.Second, "the stalled page 2 was cancelled, not awaited")
	assert.LessOrEqual(t, hub2.Count(hubtest.RouteList), 5, "never past ahead")
}

func TestPagesAheadStopsAtAnError(t *testing.T) {
	hub := hubtesting.New(t, hubtest.Options{PageSize: 7, NoFixtures: true, Synthetic: 35})
	c, _ := newTestClient(t, hub.URL)
	hub.Fail(hubtest.Fault{Route: hubtest.RouteList, Page: 2, Truncate: true})
	var errs []error
	pages := 0
	for p, err := range c.PagesWith(context.Background(), ListOptions{}, nil, 5) {
		pages++
		if err != nil {
			errs = append(errs, err)
			assert.Empty(t, p.Models)
		}
	}
	require.Len(t, errs, 1)
	assert.True(t, IsKind(errs[0], BadResponse), "%v", errs[0])
	assert.Equal(t, 2, pages)
}
