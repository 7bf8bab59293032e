package cache

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// entryOfSize is an entry whose envelope is exactly size bytes for any
// one-character key suffix.
func entryOfSize(key string, size int) Entry {
	e := Entry{Key: key, Status: 200}
	e.Body = make([]byte, size-len(EncodeEnvelope(e))-1) // the body length varint grows by one byte
	return e
}

func TestTempFilesIgnoredAndSwept(t *testing.T) {
	s, c := openTest(t, Options{})
	dir := s.Path()
	fresh := filepath.Join(dir, tempPrefix+"fresh")
	stale := filepath.Join(dir, tempPrefix+"stale")
	foreign := filepath.Join(dir, "notes.txt")
	for _, p := range []string{fresh, stale, foreign} {
		require.NoError(t, os.WriteFile(p, EncodeEnvelope(Entry{Key: "k", Body: []byte("half-writ")})[:20], 0o600))
	}
	old := c.Now().Add(-staleTempAge - time.Second)
	require.NoError(t, os.Chtimes(stale, old, old))
	require.NoError(t, os.Chtimes(fresh, c.Now(), c.Now()))

	_, ok := s.Get("k")
	require.False(t, ok)
	info, err := s.Info()
	require.NoError(t, err)
	require.Zero(t, info.Entries, "temporary files are not entries")

	res, err := s.Prune()
	require.NoError(t, err)
	require.Equal(t, 1, res.TempRemoved)
	require.Equal(t, []string{tempPrefix + "fresh", "notes.txt"}, dirNames(t, dir),
		"a temporary file being written must survive, a foreign file is left alone")

	c.Advance(staleTempAge + time.Second)
	res, err = s.Prune()
	require.NoError(t, err)
	require.Equal(t, 1, res.TempRemoved)
	require.Equal(t, []string{"notes.txt"}, dirNames(t, dir))
}

func TestOpenSweepsStaleTempFiles(t *testing.T) {
	dir := t.TempDir()
	c := newClock()
	stale := filepath.Join(dir, tempPrefix+"dead-writer")
	require.NoError(t, os.WriteFile(stale, []byte("partial"), 0o600))
	old := c.Now().Add(-time.Hour)
	require.NoError(t, os.Chtimes(stale, old, old))
	_, err := Open(dir, Options{Now: c.Now})
	require.NoError(t, err)
	require.Empty(t, dirNames(t, dir))
}

func TestPruneRemovesLeastRecentlyUsedFirst(t *testing.T) {
	const size = 1000
	dir := t.TempDir()
	c := newClock()
	big, err := Open(dir, Options{Now: c.Now}) // writes without pruning
	require.NoError(t, err)
	for i := range 5 { // k0..k4 written at t+1s..t+5s
		c.Advance(time.Second)
		require.NoError(t, big.Put(entryOfSize(fmt.Sprint("k", i), size)))
	}
	fi, err := os.Stat(big.path("k0"))
	require.NoError(t, err)
	require.EqualValues(t, size, fi.Size())
	c.Advance(time.Second)
	_, ok := big.Get("k0") // k0 used at t+6s
	require.True(t, ok)
	c.Advance(time.Second)
	_, ok = big.Get("k2") // k2 used at t+7s
	require.True(t, ok)

	exists := func(key string) bool {
		_, err := os.Stat(big.path(key))
		return err == nil
	}
	// Open prunes a cache above its cap: k1 (t+2s) and k3 (t+4s) go.
	small, err := Open(dir, Options{Now: c.Now, MaxBytes: 3 * size})
	require.NoError(t, err)
	for key, want := range map[string]bool{"k0": true, "k1": false, "k2": true, "k3": false, "k4": true} {
		require.Equal(t, want, exists(key), key)
	}

	c.Advance(time.Second)
	require.NoError(t, big.Put(entryOfSize("k5", size))) // t+8s
	res, err := small.Prune()
	require.NoError(t, err)
	require.Equal(t, PruneResult{Removed: 1, RemovedBytes: size, Entries: 3, Bytes: 3 * size}, res)
	require.False(t, exists("k4"), "k4, last used at t+5s, is the least recently used")
	for _, key := range []string{"k0", "k2", "k5"} {
		require.True(t, exists(key), key)
	}
}

func TestPutKeepsCacheUnderCap(t *testing.T) {
	const size, max = 1000, 10_000
	s, c := openTest(t, Options{MaxBytes: max})
	for i := range 50 {
		c.Advance(time.Second)
		key := fmt.Sprint("k", i%10, i/10) // some overwrites, mostly new keys
		require.NoError(t, s.Put(entryOfSize(key, size)))
		info, err := s.Info()
		require.NoError(t, err)
		require.LessOrEqual(t, info.Bytes, int64(max), "after Put %d", i)
		_, ok := s.Get(key)
		require.True(t, ok, "the entry just written must survive its own prune")
	}
	info, err := s.Info()
	require.NoError(t, err)
	require.GreaterOrEqual(t, info.Entries, 8, "the prune goes to 90%% of the cap, not to nothing")
}

func TestInfo(t *testing.T) {
	for mode, open := range storeModes {
		t.Run(mode, func(t *testing.T) {
			c := newClock()
			s := open(t, Options{Now: c.Now})
			info, err := s.Info()
			require.NoError(t, err)
			require.Equal(t, Info{Path: s.Path(), MemoryOnly: mode == "memory"}, info)

			var total int64
			first := c.Advance(time.Minute)
			for i, body := range []string{"a", "bb", "ccc"} {
				e := Entry{Key: fmt.Sprint("k", i), FetchedAt: first, Body: []byte(body)}
				total += int64(len(EncodeEnvelope(e)))
				require.NoError(t, s.Put(e))
				c.Advance(time.Minute)
			}
			last := c.Advance(time.Minute)
			_, ok := s.Get("k0") // used last now: k1 is the oldest
			require.True(t, ok)

			info, err = s.Info()
			require.NoError(t, err)
			require.Equal(t, 3, info.Entries)
			require.Equal(t, total, info.Bytes)
			require.True(t, info.Oldest.Equal(first.Add(time.Minute)), "oldest %v", info.Oldest)
			require.True(t, info.Newest.Equal(last), "newest %v", info.Newest)
		})
	}
}

func TestInfoOfMissingDirectory(t *testing.T) {
	s, _ := openTest(t, Options{})
	require.NoError(t, os.Remove(s.Path()))
	info, err := s.Info()
	require.NoError(t, err)
	require.Zero(t, info.Entries)
	require.NoError(t, s.Clear())
	_, err = s.Prune()
	require.NoError(t, err)
}

func TestClear(t *testing.T) {
	for mode, open := range storeModes {
		t.Run(mode, func(t *testing.T) {
			s := open(t, Options{})
			for i := range 3 {
				require.NoError(t, s.Put(Entry{Key: fmt.Sprint("k", i), Body: []byte("x")}))
			}
			require.NoError(t, os.WriteFile(filepath.Join(s.Path(), tempPrefix+"x"), nil, 0o600))
			require.NoError(t, os.WriteFile(filepath.Join(s.Path(), "keep.txt"), nil, 0o600))

			require.NoError(t, s.Clear())
			info, err := s.Info()
			require.NoError(t, err)
			require.Zero(t, info.Entries)
			require.Zero(t, info.Bytes)
			_, ok := s.Get("k0")
			require.False(t, ok)
			require.Equal(t, []string{"keep.txt"}, dirNames(t, s.Path()))

			require.NoError(t, s.Put(Entry{Key: "after", Body: []byte("x")}))
			_, ok = s.Get("after")
			require.True(t, ok, "a cleared cache still works")
		})
	}
}
