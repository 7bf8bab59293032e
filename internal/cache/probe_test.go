package cache

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Opening a cache makes no file: whether the directory is writable is
// asked of the system, and a writable directory is left untouched.
func TestOpenMakesNoFile(t *testing.T) {
	dir := t.TempDir()
	past := time.Now().Add(-time.Hour).Truncate(time.Second)
	require.NoError(t, os.Chtimes(dir, past, past))
	var w warnings
	s, err := Open(dir, Options{Warn: w.Warn})
	require.NoError(t, err)
	require.False(t, s.MemoryOnly())
	require.Zero(t, w.Count())
	fi, err := os.Stat(dir)
	require.NoError(t, err)
	require.True(t, fi.ModTime().Equal(past), "the directory changed: %v", fi.ModTime())
	require.NoError(t, s.Put(Entry{Key: "k", Status: 200, Body: []byte("b")}))
	_, ok := s.Get("k")
	require.True(t, ok)
}
