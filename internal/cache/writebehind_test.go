package cache

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// slowStore is a map whose writes take a while, so queued entries stay
// queued long enough to be seen.
type slowStore struct {
	mu   sync.Mutex
	m    map[string]Entry
	gate chan struct{}
}

func (s *slowStore) Get(key string) (Entry, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[key]
	return e, ok
}

func (s *slowStore) Put(e Entry) error {
	<-s.gate
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[e.Key] = e
	return nil
}

func TestWriteBehindQueuesAndFlushes(t *testing.T) {
	st := &slowStore{m: map[string]Entry{}, gate: make(chan struct{})}
	w := NewWriteBehind(st)
	require.NoError(t, w.Put(Entry{Key: "a", Body: []byte("1")}))
	require.NoError(t, w.Put(Entry{Key: "a", Body: []byte("2")}))
	got, ok := w.Get("a")
	require.True(t, ok, "a queued entry is served before it is written")
	assert.Equal(t, "2", string(got.Body), "the latest one")
	_, ok = st.Get("a")
	assert.False(t, ok, "not written yet")

	w.Warn("disk trouble")
	close(st.gate) // let the writes through
	warnings := w.Close()
	assert.Equal(t, []string{"disk trouble"}, warnings)
	e, ok := st.Get("a")
	require.True(t, ok, "close waits for every write")
	assert.Equal(t, "2", string(e.Body))

	// After close, writes are made at once.
	require.NoError(t, w.Put(Entry{Key: "late", Body: []byte("x")}))
	_, ok = st.Get("late")
	assert.True(t, ok)
	assert.Nil(t, w.Close(), "closing twice is harmless")
}

func TestWriteBehindConcurrent(t *testing.T) {
	st := &slowStore{m: map[string]Entry{}, gate: make(chan struct{})}
	close(st.gate)
	w := NewWriteBehind(st)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				key := fmt.Sprintf("k%d", i%10)
				_ = w.Put(Entry{Key: key, FetchedAt: time.Unix(int64(i), 0)})
				w.Get(key)
			}
		}()
	}
	go func() { wg.Wait(); w.Close() }()
	wg.Wait()
	w.Close()
	assert.Len(t, st.m, 10)
	w.mu.Lock()
	defer w.mu.Unlock()
	assert.Empty(t, w.pending, "nothing left queued")
}
