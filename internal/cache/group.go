package cache

import (
	"bytes"
	"fmt"
	"maps"
	"sync"
)

// Group collapses duplicate requests within a process: while a call for a
// key is running, later calls for the same key wait for it and share its
// result instead of running their own. The zero Group is ready to use.
type Group struct {
	mu    sync.Mutex
	calls map[string]*call
}

// call is one running fn; entry and err are written before done closes.
type call struct {
	done  chan struct{}
	entry Entry
	err   error
	dups  int // callers waiting for this call
}

// Do runs fn for key unless a call for key is already running, in which
// case it waits for that call and returns its result, error included.
// shared reports whether the result went to more than one caller; each of
// them then gets its own copy of Body and Header. If fn panics (or exits
// its goroutine), that goes on in the caller that ran it and the waiting
// callers get an error.
func (g *Group) Do(key string, fn func() (Entry, error)) (entry Entry, err error, shared bool) {
	g.mu.Lock()
	if g.calls == nil {
		g.calls = make(map[string]*call)
	}
	if c, ok := g.calls[key]; ok {
		c.dups++
		g.mu.Unlock()
		<-c.done
		return copyEntry(c.entry), c.err, true
	}
	c := &call{done: make(chan struct{})}
	g.calls[key] = c
	g.mu.Unlock()

	returned := false
	defer func() {
		g.mu.Lock()
		delete(g.calls, key) // later callers start a new call
		dups := c.dups
		g.mu.Unlock()
		if !returned {
			c.err = fmt.Errorf("cache: the shared call for %q panicked", key)
		}
		close(c.done)
		if returned && dups > 0 {
			// The waiters copy c.entry; this caller must not own it.
			entry, shared = copyEntry(c.entry), true
		}
	}()
	c.entry, c.err = fn()
	returned = true
	return c.entry, c.err, false
}

// copyEntry copies the mutable parts of e, Body and Header.
func copyEntry(e Entry) Entry {
	e.Header = maps.Clone(e.Header)
	e.Body = bytes.Clone(e.Body)
	return e
}
