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
		returnsSoon(t, "Head of "+key, func() {
			_, _, ok := s.Head(key)
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
