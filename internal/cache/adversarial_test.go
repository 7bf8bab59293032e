package cache

// Tests for the defects of the adversarial review (issue 11,
// RELIABILITY.md "Adversarial review").

import (
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// mtimes maps the names in dir to their modification times.
func mtimes(t *testing.T, dir string) map[string]time.Time {
	t.Helper()
	out := map[string]time.Time{}
	for _, name := range dirNames(t, dir) {
		fi, err := os.Lstat(filepath.Join(dir, name))
		require.NoError(t, err)
		out[name] = fi.ModTime()
	}
	return out
}

// A cache directory that cannot be written (a read-only mount) is still
// read: Get and Head answer from the disk, Info counts the disk's entries,
// new entries live in memory and shadow the disk's, and nothing on disk
// changes, not even a use time.
func TestReadOnlyCacheIsRead(t *testing.T) {
	dir := t.TempDir()
	clk := newClock()
	rw, err := Open(dir, Options{Now: clk.Now})
	require.NoError(t, err)
	a := Entry{Key: "a", Status: 200, Body: []byte("body a")}
	b := Entry{Key: "b", Status: 200, Body: []byte("body b")}
	require.NoError(t, rw.Put(a))
	require.NoError(t, rw.Put(b))
	before := mtimes(t, dir)
	clk.Advance(time.Hour)

	var w warnings
	ro, err := Open(dir, Options{Now: clk.Now, Warn: w.Warn, Hooks: Hooks{
		CreateTemp: func(dir, _ string) (TempFile, error) {
			return nil, &fs.PathError{Op: "open", Path: dir, Err: syscall.EROFS}
		},
	}})
	require.NoError(t, err)
	require.True(t, ro.MemoryOnly())
	require.Equal(t, 1, w.Count())

	got, ok := ro.Get("a")
	require.True(t, ok, "an entry on a read-only disk is still there")
	requireSameEntry(t, a, got)
	he, sum, ok := ro.Head("b")
	require.True(t, ok)
	require.Equal(t, "b", he.Key)
	require.NotZero(t, sum)
	info, err := ro.Info()
	require.NoError(t, err)
	require.Equal(t, 2, info.Entries, "cache info counts the disk's entries")
	require.True(t, info.MemoryOnly)

	newer := Entry{Key: "a", Status: 200, Body: []byte("newer body a")}
	require.NoError(t, ro.Put(newer))
	require.NoError(t, ro.Put(Entry{Key: "c", Status: 200, Body: []byte("c")}))
	got, ok = ro.Get("a")
	require.True(t, ok)
	requireSameEntry(t, newer, got)
	_, ok = ro.Get("c")
	require.True(t, ok)
	info, err = ro.Info()
	require.NoError(t, err)
	require.Equal(t, 3, info.Entries, "a, b and c; a counted once")
	ro.Delete("b")
	_, ok = ro.Get("b")
	require.False(t, ok, "deleted while read-only: gone for this Store")
	_, _, ok = ro.Head("b")
	require.False(t, ok)

	require.Equal(t, before, mtimes(t, dir), "nothing on disk changed")
	require.Equal(t, 1, w.Count())
}

// After a full disk switches the Store to memory, the entries written
// before stay readable from the disk.
func TestFullDiskKeepsDiskEntriesReadable(t *testing.T) {
	var creates atomic.Int32
	var w warnings
	s, _ := openTest(t, Options{Warn: w.Warn, Hooks: Hooks{
		CreateTemp: func(dir, pattern string) (TempFile, error) {
			f, err := os.CreateTemp(dir, pattern)
			if creates.Add(1) > 2 { // the probe, then one entry fit
				return fullFile{f}, err
			}
			return f, err
		},
	}})
	old := Entry{Key: "old", Status: 200, Body: []byte("written before the disk filled")}
	require.NoError(t, s.Put(old))
	require.False(t, s.MemoryOnly())
	require.NoError(t, s.Put(Entry{Key: "new", Body: []byte("does not fit")}))
	require.True(t, s.MemoryOnly())
	got, ok := s.Get("old")
	require.True(t, ok, "the disk's entry is still read")
	requireSameEntry(t, old, got)
	_, ok = s.Get("new")
	require.True(t, ok)
	info, err := s.Info()
	require.NoError(t, err)
	require.Equal(t, 2, info.Entries)
}
