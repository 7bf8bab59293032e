package cache

// Tests for the defects of the adversarial review (issue 11,
// RELIABILITY.md "Adversarial review").

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
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
	got, ok = ro.Get("b")
	require.True(t, ok)
	requireSameEntry(t, b, got)
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

// putEntries writes n valid entries of about size bytes, each older than
// the next, and returns their file names.
func putEntries(t *testing.T, dir string, n, size int, clk *clock) []string {
	t.Helper()
	s, err := Open(dir, Options{Now: clk.Now})
	require.NoError(t, err)
	var names []string
	for i := range n {
		clk.Advance(time.Minute)
		key := "entry-" + string(rune('a'+i))
		require.NoError(t, s.Put(Entry{Key: key, Status: 200, Body: make([]byte, size)}))
		names = append(names, FileName(key))
	}
	return names
}

// sparse makes a file of size bytes holding only head, without using the
// disk space, with the given modification time.
func sparse(t *testing.T, path string, head []byte, size int64, mtime time.Time) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o600)
	require.NoError(t, err)
	_, err = f.Write(head)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(size))
	require.NoError(t, f.Close())
	require.NoError(t, os.Chtimes(path, mtime, mtime))
}

// Housekeeping removes only the cache's own files: files named like
// entries that do not start with the envelope's magic are someone else's,
// never counted, pruned nor cleared. One huge file (a sparse 1 GB) does
// not make the cache wipe every entry to get under its cap: a foreign one
// is left alone and an entry of ours larger than the cap goes alone.
func TestHousekeepingRemovesOnlyOwnFiles(t *testing.T) {
	const gb = 1 << 30
	tests := map[string]struct {
		head     []byte // the start of the big file; nil: no big file
		bigStays bool
	}{
		"foreign files only":     {},
		"sparse 1 GB of zeros":   {head: []byte{0}, bigStays: true},
		"sparse 1 GB with magic": {head: []byte(envelopeMagic + "\x01"), bigStays: false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			clk := newClock()
			ours := putEntries(t, dir, 3, 10<<10, clk)
			var foreign []string
			for i := range 20 {
				name := FileName(fmt.Sprint("not ours ", i))
				require.NoError(t, os.WriteFile(filepath.Join(dir, name), make([]byte, 50<<10), 0o600))
				foreign = append(foreign, name)
			}
			big := FileName("big")
			if tc.head != nil {
				sparse(t, filepath.Join(dir, big), tc.head, gb, clk.Advance(time.Hour))
			}

			s, err := Open(dir, Options{Now: clk.Now, MaxBytes: 100 << 10})
			require.NoError(t, err)
			info, err := s.Info()
			require.NoError(t, err)
			require.Equal(t, 3, info.Entries, "foreign files are not counted")
			_, err = s.Prune()
			require.NoError(t, err)

			names := dirNames(t, dir)
			for _, n := range append(ours, foreign...) {
				require.Contains(t, names, n)
			}
			if tc.head != nil {
				if tc.bigStays {
					require.Contains(t, names, big)
				} else {
					require.NotContains(t, names, big)
				}
			}
			require.NoError(t, s.Clear())
			require.ElementsMatch(t, foreign, withoutBig(dirNames(t, dir), big), "Clear removes the cache's files only")
		})
	}
}

func withoutBig(names []string, big string) []string {
	return slices.DeleteFunc(names, func(n string) bool { return n == big })
}

// Stat (what `cache info` runs) changes nothing: it creates no missing
// directory, and in a cache over its cap with a stale temporary file it
// removes, prunes and touches nothing, while counting the entries.
func TestStatChangesNothing(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "not", "there")
	info, err := Stat(missing, Options{})
	require.NoError(t, err)
	require.Zero(t, info.Entries)
	require.Equal(t, missing, info.Path)
	_, err = os.Lstat(filepath.Dir(missing))
	require.ErrorIs(t, err, fs.ErrNotExist, "no directory created")

	dir := t.TempDir()
	clk := newClock()
	putEntries(t, dir, 3, 10<<10, clk)
	sparse(t, filepath.Join(dir, FileName("big")), []byte(envelopeMagic), 1<<30, clk.Now())
	require.NoError(t, os.WriteFile(filepath.Join(dir, FileName("foreign")), []byte("not ours"), 0o600))
	stale := filepath.Join(dir, tempPrefix+"dead-writer")
	require.NoError(t, os.WriteFile(stale, []byte("half"), 0o600))
	long := time.Now().Add(-24 * time.Hour)
	require.NoError(t, os.Chtimes(stale, long, long))
	before := mtimes(t, dir)
	dirFI, err := os.Stat(dir)
	require.NoError(t, err)

	var w warnings
	info, err = Stat(dir, Options{MaxBytes: 1 << 20, Warn: w.Warn})
	require.NoError(t, err)
	require.Equal(t, 4, info.Entries, "three entries and the big one; not the foreign file nor the temporary one")
	require.Greater(t, info.Bytes, int64(1<<30))
	require.Zero(t, w.Count())
	require.Equal(t, before, mtimes(t, dir), "nothing removed, nothing touched")
	after, err := os.Stat(dir)
	require.NoError(t, err)
	require.Equal(t, dirFI.ModTime(), after.ModTime())

	require.NoError(t, os.Chmod(dir, 0o777))
	_, err = Stat(dir, Options{Warn: w.Warn})
	require.NoError(t, err)
	require.Equal(t, 1, w.Count(), "an untrusted directory is described, with the warning Open gives")
}
