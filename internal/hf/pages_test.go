package hf

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest/hubtesting"
)

func TestPagesServedFromTheCache(t *testing.T) {
	hub := hubtesting.New(t, hubtest.Options{PageSize: 7, NoFixtures: true, Synthetic: 20})
	mc := newMemCache()
	c, _ := newTestClient(t, hub.URL, func(cfg *Config) { cfg.Cache = mc })
	var want [][]compat.Model
	for p, err := range c.Pages(context.Background(), ListOptions{}, 0) {
		require.NoError(t, err)
		assert.False(t, p.Meta.FromCache)
		want = append(want, p.Models)
	}
	require.Len(t, want, 3)

	// The same pages again, served from the cache, links included.
	var got [][]compat.Model
	for p, err := range c.Pages(context.Background(), ListOptions{}, 3) {
		require.NoError(t, err)
		assert.True(t, p.Meta.FromCache)
		got = append(got, p.Models)
	}
	assert.Equal(t, want, got)
	assert.Equal(t, 3, hub.Count(hubtest.RouteList), "the second listing asked the Hub nothing")
}

func TestListPageUndecodableBodyIsNotStored(t *testing.T) {
	hub := hubtesting.New(t, hubtest.Options{PageSize: 7, NoFixtures: true, Synthetic: 20})
	hub.Fail(hubtest.Fault{Route: hubtest.RouteList, Page: 1, Times: 1, Status: http.StatusOK, Body: "<html>not json</html>"})
	mc := newMemCache()
	c, _ := newTestClient(t, hub.URL, func(cfg *Config) { cfg.Cache = mc })
	_, err := c.ListPage(context.Background(), ListOptions{}, "")
	require.Error(t, err)
	assert.True(t, IsKind(err, BadResponse), "%v", err)
	assert.Zero(t, mc.puts, "a refused answer is never stored")

	// The next good answer is stored (and the bad one never served).
	p, err := c.ListPage(context.Background(), ListOptions{}, "")
	require.NoError(t, err)
	assert.Len(t, p.Models, 7)
	assert.Equal(t, 1, mc.puts)
}

// pageLog is a transport that logs, in order, when each list request is
// sent ("ask N") and when its body has been read to the end ("read N"),
// N counting the requests from 1.
type pageLog struct {
	next   http.RoundTripper
	mu     sync.Mutex
	asked  int
	events []string
}

func (l *pageLog) RoundTrip(req *http.Request) (*http.Response, error) {
	l.mu.Lock()
	l.asked++
	n := l.asked
	l.events = append(l.events, fmt.Sprint("ask ", n))
	l.mu.Unlock()
	resp, err := l.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Body = &loggedBody{ReadCloser: resp.Body, log: l, n: n}
	return resp, nil
}

func (l *pageLog) at(event string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Index(l.events, event)
}

type loggedBody struct {
	io.ReadCloser
	log  *pageLog
	n    int
	done bool
}

func (b *loggedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF && !b.done {
		b.done = true
		b.log.mu.Lock()
		b.log.events = append(b.log.events, fmt.Sprint("read ", b.n))
		b.log.mu.Unlock()
	}
	return n, err
}

func TestPagesAskedEarly(t *testing.T) {
	hub := hubtesting.New(t, hubtest.Options{PageSize: 7, NoFixtures: true, Synthetic: 35})
	c, _ := newTestClient(t, hub.URL)
	var want [][]compat.Model
	for p, err := range c.Pages(context.Background(), ListOptions{}, 0) {
		require.NoError(t, err)
		want = append(want, p.Models)
	}
	require.Len(t, want, 5)

	// Page 1's body stalls after its headers: page 2 is asked meanwhile.
	hub.Fail(hubtest.Fault{Route: hubtest.RouteList, Page: 1, Times: 1, Stall: 200 * time.Millisecond})
	log := &pageLog{next: newTransport()}
	c, _ = newTestClient(t, hub.URL, func(cfg *Config) { cfg.Transport = log })
	var got [][]compat.Model
	for p, err := range c.Pages(context.Background(), ListOptions{}, 5) {
		require.NoError(t, err)
		got = append(got, p.Models)
	}
	require.GreaterOrEqual(t, log.at("read 1"), 0, "page 1 was read: %v", log.events)
	assert.Less(t, log.at("ask 2"), log.at("read 1"), "page 2 was asked while page 1 was read: %v", log.events)
	assert.Equal(t, want, got, "the same pages, in order")
	assert.Equal(t, 5, log.asked, "each page asked once")
}

func TestPagesNeverAskedPastAhead(t *testing.T) {
	hub := hubtesting.New(t, hubtest.Options{PageSize: 7, NoFixtures: true, Synthetic: 35})
	c, _ := newTestClient(t, hub.URL)
	n := 0
	for _, err := range c.Pages(context.Background(), ListOptions{}, 2) {
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
	for _, err := range c2.Pages(context.Background(), ListOptions{}, 5) {
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
	for p, err := range c.Pages(context.Background(), ListOptions{}, 5) {
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
