package cache

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// waiters reports how many callers wait on key's running call.
func (g *Group) waiters(key string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	if c, ok := g.calls[key]; ok {
		return c.dups
	}
	return -1
}

// runShared starts n callers of g.Do(key, fn) and waits until n-1 of them
// wait on the first, which fn keeps blocked until release is closed.
func runShared(t *testing.T, g *Group, key string, n int, release chan struct{}, fn func() (Entry, error)) (entries []Entry, errs []error, shared []bool) {
	t.Helper()
	entries, errs, shared = make([]Entry, n), make([]error, n), make([]bool, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { entries[i], errs[i], shared[i] = g.Do(key, fn) })
	}
	deadline := time.Now().Add(5 * time.Second)
	for g.waiters(key) != n-1 {
		require.True(t, time.Now().Before(deadline), "callers never all arrived: %d waiting", g.waiters(key))
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	return entries, errs, shared
}

func TestGroupSharesOneCall(t *testing.T) {
	var g Group
	var calls atomic.Int32
	release := make(chan struct{})
	entries, errs, shared := runShared(t, &g, "k", 10, release, func() (Entry, error) {
		calls.Add(1)
		<-release
		return Entry{Key: "k", Body: []byte("answer"), Header: map[string]string{"A": "1"}}, nil
	})
	require.EqualValues(t, 1, calls.Load())
	for i := range entries {
		require.NoError(t, errs[i])
		require.True(t, shared[i], "caller %d", i)
		require.Equal(t, "answer", string(entries[i].Body))
	}
	// Every caller owns its copy.
	entries[0].Body[0] = 'X'
	entries[0].Header["A"] = "changed"
	for _, e := range entries[1:] {
		require.Equal(t, "answer", string(e.Body))
		require.Equal(t, "1", e.Header["A"])
	}
}

func TestGroupSharesErrors(t *testing.T) {
	var g Group
	var calls atomic.Int32
	boom := errors.New("boom")
	release := make(chan struct{})
	_, errs, _ := runShared(t, &g, "k", 5, release, func() (Entry, error) {
		calls.Add(1)
		<-release
		return Entry{}, boom
	})
	require.EqualValues(t, 1, calls.Load())
	for _, err := range errs {
		require.ErrorIs(t, err, boom)
	}
}

func TestGroupDoesNotCacheAfterwards(t *testing.T) {
	var g Group
	var calls atomic.Int32
	fn := func() (Entry, error) {
		n := calls.Add(1)
		return Entry{Body: []byte(fmt.Sprint(n))}, nil
	}
	for want := range 3 {
		e, err, shared := g.Do("k", fn)
		require.NoError(t, err)
		require.False(t, shared)
		require.Equal(t, fmt.Sprint(want+1), string(e.Body))
	}
}

func TestGroupKeysAreIndependent(t *testing.T) {
	var g Group
	release := make(chan struct{})
	defer close(release)
	started := make(chan struct{})
	go g.Do("slow", func() (Entry, error) { close(started); <-release; return Entry{}, nil })
	<-started
	done := make(chan struct{})
	go func() {
		g.Do("fast", func() (Entry, error) { return Entry{}, nil })
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("a call for another key waited for the slow one")
	}
}

func TestGroupPanicReleasesWaiters(t *testing.T) {
	var g Group
	release := make(chan struct{})
	var waiterErr error
	var wg sync.WaitGroup
	panicked := make(chan any, 1)
	wg.Go(func() {
		defer func() { panicked <- recover() }()
		g.Do("k", func() (Entry, error) { <-release; panic("fn failed") })
	})
	for g.waiters("k") != 0 { // the first call is running
		time.Sleep(time.Millisecond)
	}
	wg.Go(func() { _, waiterErr, _ = g.Do("k", func() (Entry, error) { return Entry{}, nil }) })
	for g.waiters("k") != 1 {
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	require.Equal(t, "fn failed", <-panicked, "the panic goes on in the caller that ran fn")
	require.ErrorContains(t, waiterErr, "panicked")

	e, err, _ := g.Do("k", func() (Entry, error) { return Entry{ETag: "next"}, nil })
	require.NoError(t, err)
	require.Equal(t, "next", e.ETag, "the key is usable again")
}
