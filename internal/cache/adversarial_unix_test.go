//go:build unix

package cache

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// returnsSoon fails the test when f has not returned after a few seconds: a
// read that blocks must fail the test, not hang the suite.
func returnsSoon(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatalf("%s blocked", what)
	}
}

// A FIFO in place of an entry (no writer will ever come) is a miss at once
// for Get and Head, and a symlink in place of an entry is not followed,
// even to a valid envelope: the cache reads only its own regular files.
func TestFIFOAndSymlinkEntriesAreMisses(t *testing.T) {
	s, _ := openTest(t, Options{})
	require.NoError(t, syscall.Mkfifo(s.path("fifo"), 0o600))

	elsewhere := filepath.Join(t.TempDir(), "envelope")
	require.NoError(t, os.WriteFile(elsewhere, EncodeEnvelope(Entry{Key: "link", Status: 200, Body: []byte("forged")}), 0o600))
	require.NoError(t, os.Symlink(elsewhere, s.path("link")))

	for _, key := range []string{"fifo", "link"} {
		returnsSoon(t, "Get of "+key, func() {
			_, ok := s.Get(key)
			require.False(t, ok, key)
		})
	}
	returnsSoon(t, "Prune and Info", func() {
		_, err := s.Prune()
		require.NoError(t, err)
		info, err := s.Info()
		require.NoError(t, err)
		require.Zero(t, info.Entries)
	})
	_, err := os.Lstat(s.path("fifo"))
	require.NoError(t, err, "not the cache's file: left alone")
}

// A cache directory that another user could write (mode 0777 or 0770, or
// owned by someone else) is not trusted: a forged entry there (its name is
// a plain sha256 of a predictable key) would be believed. Open warns once
// and the Store neither reads nor writes it; a directory of the user's
// own, 0700 or 0755, is used as before.
func TestUntrustedDirectoryNotUsed(t *testing.T) {
	forged := Entry{Key: "k", Status: 200, Body: []byte(`{"gated": false}`)}
	tests := map[string]struct {
		mode    os.FileMode
		owner   int // chown the directory to this user; -1: root
		uid     func() int
		trusted bool
		says    string
	}{
		"0700 own":        {mode: 0o700, trusted: true},
		"0755 own":        {mode: 0o755, trusted: true},
		"0777":            {mode: 0o777, says: "writable by other users"},
		"0770":            {mode: 0o770, says: "writable by other users"},
		"1777 sticky":     {mode: 0o777 | os.ModeSticky, says: "writable by other users"},
		"another's owner": {mode: 0o700, owner: 12345, says: "owned by another user"},
		"root's":          {mode: 0o755, owner: -1, uid: func() int { return 12345 }, trusted: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, FileName(forged.Key)), EncodeEnvelope(forged), 0o600))
			require.NoError(t, os.Chmod(dir, tc.mode))
			switch {
			case tc.owner > 0 && os.Geteuid() == 0:
				require.NoError(t, os.Chown(dir, tc.owner, tc.owner))
			case tc.owner > 0:
				// Not root: the directory is this user's; pretend to be
				// another, which only the uid hook can do.
				tc.uid = func() int { return os.Geteuid() + 1 }
			case tc.owner < 0 && os.Geteuid() != 0:
				t.Skip("needs a directory of root's")
			}
			var w warnings
			s, err := Open(dir, Options{Warn: w.Warn, Hooks: Hooks{UID: tc.uid}})
			require.NoError(t, err)
			_, found := s.Get(forged.Key)
			if tc.trusted {
				require.Zero(t, w.Count())
				require.False(t, s.MemoryOnly())
				require.True(t, found)
				return
			}
			require.Equal(t, 1, w.Count())
			require.Contains(t, w.msgs[0], dir)
			require.Contains(t, w.msgs[0], tc.says)
			require.True(t, s.MemoryOnly())
			require.False(t, found, "a forged entry is not believed")
			info, err := s.Info()
			require.NoError(t, err)
			require.Zero(t, info.Entries)

			e := Entry{Key: "new", Status: 200, Body: []byte("kept in memory")}
			require.NoError(t, s.Put(e))
			got, ok := s.Get("new")
			require.True(t, ok)
			requireSameEntry(t, e, got)
			require.NoError(t, s.Clear())
			_, err = s.Prune()
			require.NoError(t, err)
			require.Equal(t, []string{FileName(forged.Key)}, dirNames(t, dir), "nothing written or removed there")
			require.Equal(t, 1, w.Count())
		})
	}
}
