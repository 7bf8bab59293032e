package cache

import "sync"

// Backend is what a WriteBehind writes to: a Store, or a map in tests.
type Backend interface {
	Get(key string) (Entry, bool)
	Put(e Entry) error
}

// WriteBehind takes cache writes off the critical path: Put queues the
// entry and returns, one goroutine writes the queue to the backend in order
// (each write atomic, as the Store makes it), and Close waits until all
// are on disk, so nothing queued is lost when the program ends. Until its
// write is done, a queued entry is what Get returns for its key. A cold
// search writes ten entries; checksumming and writing them cost more than
// a millisecond that the next page's request no longer waits for.
type WriteBehind struct {
	next Backend

	mu      sync.Mutex
	pending map[string]queued
	seq     uint64
	// warnings the store gave from the writer goroutine, returned by Close
	warnings []string

	// send guards closed and every send on jobs, so none comes after
	// Close closed it
	send   sync.Mutex
	closed bool

	jobs chan func()
	done chan struct{}
}

type queued struct {
	e   Entry
	seq uint64
}

// NewWriteBehind starts the writer goroutine in front of next; Close ends
// it.
func NewWriteBehind(next Backend) *WriteBehind {
	w := &WriteBehind{next: next, pending: map[string]queued{}, jobs: make(chan func(), 64), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for job := range w.jobs {
			job()
		}
	}()
	return w
}

// Get returns the queued entry for key, else the backend's.
func (w *WriteBehind) Get(key string) (Entry, bool) {
	w.mu.Lock()
	q, ok := w.pending[key]
	w.mu.Unlock()
	if ok {
		return q.e, true
	}
	return w.next.Get(key)
}

// Head returns the queued entry for key, else the backend's Head (its
// Get when it has none): see Store.Head.
func (w *WriteBehind) Head(key string) (Entry, bool) {
	w.mu.Lock()
	q, ok := w.pending[key]
	w.mu.Unlock()
	if ok {
		return q.e, true
	}
	if h, ok := w.next.(interface{ Head(string) (Entry, bool) }); ok {
		return h.Head(key)
	}
	return w.next.Get(key)
}

// Put queues e. Like the Store's, a write that fails is the cache's
// problem, not the caller's: Put always returns nil.
func (w *WriteBehind) Put(e Entry) error {
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

// enqueue hands job to the writer goroutine, or runs it at once after
// Close.
func (w *WriteBehind) enqueue(job func()) {
	w.send.Lock()
	if w.closed {
		w.send.Unlock()
		job()
		return
	}
	w.jobs <- job
	w.send.Unlock()
}

// Warn keeps a warning the backend gives while writing in the background,
// for Close to return on the caller's goroutine.
func (w *WriteBehind) Warn(msg string) {
	w.mu.Lock()
	w.warnings = append(w.warnings, msg)
	w.mu.Unlock()
}

// Close waits for every queued write and returns the warnings given
// meanwhile. Later writes are made at once.
func (w *WriteBehind) Close() []string {
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
