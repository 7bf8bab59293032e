package main

import (
	"crypto/sha256"
	"sync"

	"github.com/modelbrowser/modelbrowser/internal/cache"
	"github.com/modelbrowser/modelbrowser/internal/hf"
)

// writeBehind takes cache writes off the critical path: Put queues the
// entry and returns, one goroutine writes the queue to the store in order
// (each write atomic, as the store makes it), and close waits until all
// are on disk, so nothing queued is lost when the program ends. Until its
// write is done, a queued entry is what Get returns for its key. A cold
// search writes ten entries; checksumming and writing them cost more than
// a millisecond that the next page's request no longer waits for.
type writeBehind struct {
	next hf.Cache

	mu      sync.Mutex
	pending map[string]queued
	seq     uint64
	// warnings the store gave from the writer goroutine, printed by close
	warnings []string

	// send guards closed and every send on jobs, so none comes after
	// close closed it
	send   sync.Mutex
	closed bool

	jobs chan func()
	done chan struct{}
}

type queued struct {
	e   cache.Entry
	seq uint64
}

func newWriteBehind(next hf.Cache) *writeBehind {
	w := &writeBehind{next: next, pending: map[string]queued{}, jobs: make(chan func(), 64), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for job := range w.jobs {
			job()
		}
	}()
	return w
}

// Get returns the queued entry for key, else the store's.
func (w *writeBehind) Get(key string) (cache.Entry, bool) {
	w.mu.Lock()
	q, ok := w.pending[key]
	w.mu.Unlock()
	if ok {
		return q.e, true
	}
	return w.next.Get(key)
}

// Head is hf.HeadCache's: a queued entry, else the store's head (a store
// that cannot read heads reads the whole entry).
func (w *writeBehind) Head(key string) (cache.Entry, [32]byte, bool) {
	w.mu.Lock()
	q, ok := w.pending[key]
	w.mu.Unlock()
	if !ok {
		if hc, isHead := w.next.(hf.HeadCache); isHead {
			return hc.Head(key)
		}
		e, found := w.next.Get(key)
		if !found {
			return cache.Entry{}, [32]byte{}, false
		}
		q.e = e
	}
	sum := sha256.Sum256(q.e.Body)
	q.e.Body = nil
	return q.e, sum, true
}

// Put queues e. Like the store's, a write that fails is the cache's
// problem, not the caller's: Put always returns nil.
func (w *writeBehind) Put(e cache.Entry) error {
	w.mu.Lock()
	w.seq++
	q := queued{e: e, seq: w.seq}
	w.pending[e.Key] = q
	w.mu.Unlock()
	w.enqueue(func() {
		_ = w.next.Put(q.e)
		w.mu.Lock()
		if cur, ok := w.pending[q.e.Key]; ok && cur.seq == q.seq {
			delete(w.pending, q.e.Key)
		}
		w.mu.Unlock()
	})
	return nil
}

// putLater queues an entry whose body is made on the writer goroutine
// (encoding it is work the caller need not wait for). Get does not see it
// before it is written.
func (w *writeBehind) putLater(e cache.Entry, body func() []byte) {
	w.enqueue(func() {
		e.Body = body()
		_ = w.next.Put(e)
	})
}

// enqueue hands job to the writer goroutine, or runs it at once after
// close.
func (w *writeBehind) enqueue(job func()) {
	w.send.Lock()
	if w.closed {
		w.send.Unlock()
		job()
		return
	}
	w.jobs <- job
	w.send.Unlock()
}

// warn keeps a warning the store gives while writing in the background,
// for close to print on the caller's goroutine.
func (w *writeBehind) warn(msg string) {
	w.mu.Lock()
	w.warnings = append(w.warnings, msg)
	w.mu.Unlock()
}

// close waits for every queued write and returns the warnings given
// meanwhile. Later writes are made at once.
func (w *writeBehind) close() []string {
	w.send.Lock()
	if !w.closed {
		w.closed = true
		close(w.jobs)
	}
	w.send.Unlock()
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.warnings
	w.warnings = nil
	return out
}
