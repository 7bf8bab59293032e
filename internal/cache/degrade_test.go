package cache

import (
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// requireMemoryFallbackWorks checks a degraded Store: it still caches, in
// memory, with no more warnings and no files written.
func requireMemoryFallbackWorks(t *testing.T, s *Store, w *warnings) {
	t.Helper()
	require.True(t, s.MemoryOnly())
	before, err := s.Info()
	require.NoError(t, err)
	for _, key := range []string{"fallback-a", "fallback-b", "fallback-a"} {
		e := Entry{Key: key, Status: 200, Body: []byte("body of " + key)}
		require.NoError(t, s.Put(e))
		got, ok := s.Get(key)
		require.True(t, ok)
		requireSameEntry(t, e, got)
	}
	info, err := s.Info()
	require.NoError(t, err)
	require.True(t, info.MemoryOnly)
	require.Equal(t, before.Entries+2, info.Entries)
	require.Equal(t, 1, w.Count(), "exactly one warning: %q", w.msgs)
	require.Contains(t, w.msgs[0], s.Path())
	require.Contains(t, w.msgs[0], "memory")
}

// canWrite reports whether files can be created in dir; chmod does not stop
// root, which CI runs as.
func canWrite(dir string) bool {
	f, err := os.CreateTemp(dir, "probe")
	if err != nil {
		return false
	}
	f.Close()
	os.Remove(f.Name())
	return true
}

func TestReadOnlyDirectory(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "keep"), nil, 0o600))
	require.NoError(t, os.Chmod(dir, 0o500))
	t.Cleanup(func() { os.Chmod(dir, 0o700) })

	var opt Options
	if canWrite(dir) {
		t.Log("chmod does not stop this user (root): injecting EACCES instead")
		opt.Hooks.CreateTemp = func(dir, _ string) (TempFile, error) {
			return nil, &fs.PathError{Op: "open", Path: dir, Err: syscall.EACCES}
		}
	}
	var w warnings
	opt.Warn = w.Warn
	s, err := Open(dir, opt)
	require.NoError(t, err, "a read-only directory is no reason to fail")
	require.Equal(t, 1, w.Count())
	requireMemoryFallbackWorks(t, s, &w)
	require.Equal(t, []string{"keep"}, dirNames(t, dir))
}

func TestDirectoryNotCreatable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	var w warnings
	s, err := Open(filepath.Join(file, "cache"), Options{Warn: w.Warn}) // ENOTDIR, even for root
	require.NoError(t, err)
	requireMemoryFallbackWorks(t, s, &w)
	_, err = s.Prune()
	require.NoError(t, err)
}

// fullFile is a temporary file on a disk that fills up halfway through the
// first write.
type fullFile struct{ *os.File }

func (f fullFile) Write(p []byte) (int, error) {
	n, _ := f.File.Write(p[:len(p)/2])
	return n, &fs.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
}

func TestDiskFull(t *testing.T) {
	var creates atomic.Int32
	var w warnings
	s, _ := openTest(t, Options{
		Warn: w.Warn,
		Hooks: Hooks{CreateTemp: func(dir, pattern string) (TempFile, error) {
			creates.Add(1)
			f, err := os.CreateTemp(dir, pattern)
			return fullFile{f}, err
		}},
	})
	require.False(t, s.MemoryOnly(), "an empty file can still be created on a full disk")
	require.Zero(t, w.Count())
	require.Empty(t, dirNames(t, s.Path()))
	before := creates.Load()

	e := Entry{Key: "k", Body: []byte("a body that does not fit")}
	require.NoError(t, s.Put(e), "a full disk is the cache's problem, not the caller's")
	require.Empty(t, dirNames(t, s.Path()), "no partial file may remain")
	got, ok := s.Get("k")
	require.True(t, ok)
	requireSameEntry(t, e, got)
	require.Equal(t, before+1, creates.Load())

	requireMemoryFallbackWorks(t, s, &w)
	require.Equal(t, before+1, creates.Load(), "a degraded Store leaves the disk alone")
	require.Empty(t, dirNames(t, s.Path()))
}

func TestRenameFailure(t *testing.T) {
	var w warnings
	s, _ := openTest(t, Options{
		Warn:  w.Warn,
		Hooks: Hooks{Rename: func(string, string) error { return syscall.EIO }},
	})
	require.NoError(t, s.Put(Entry{Key: "k", Body: []byte("x")}))
	require.Empty(t, dirNames(t, s.Path()), "the temporary file is removed")
	requireMemoryFallbackWorks(t, s, &w)
}

func TestMemoryOnlyIsBounded(t *testing.T) {
	const size, max = 1000, 3000
	s := storeModes["memory"](t, Options{MaxBytes: max})
	for _, key := range []string{"k0", "k1", "k2"} {
		require.NoError(t, s.Put(entryOfSize(key, size)))
	}
	_, ok := s.Get("k0") // k1 is now the least recently used
	require.True(t, ok)
	require.NoError(t, s.Put(entryOfSize("k3", size)))
	info, err := s.Info()
	require.NoError(t, err)
	require.Equal(t, 3, info.Entries)
	require.EqualValues(t, max, info.Bytes)
	_, ok = s.Get("k1")
	require.False(t, ok, "the least recently used entry is evicted")
	for _, key := range []string{"k0", "k2", "k3"} {
		_, ok := s.Get(key)
		require.True(t, ok, key)
	}
}

func TestTempFileSweptDuringPut(t *testing.T) {
	// Another process's Clear removes the temporary file between write and
	// rename: the entry is lost, as if cleared just after, but the disk is
	// fine and the Store must keep using it.
	var w warnings
	var s *Store
	s, _ = openTest(t, Options{
		Warn: w.Warn,
		Hooks: Hooks{Rename: func(oldpath, newpath string) error {
			require.NoError(t, s.Clear())
			return os.Rename(oldpath, newpath)
		}},
	})
	require.NoError(t, s.Put(Entry{Key: "k", Body: []byte("x")}))
	require.False(t, s.MemoryOnly())
	require.Zero(t, w.Count())
	_, ok := s.Get("k")
	require.False(t, ok)
	require.Empty(t, dirNames(t, s.Path()))
}
