package cache

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPeekListsAndReadsWithoutATrace(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	st, err := Open(dir, Options{})
	require.NoError(t, err)
	long := strings.Repeat("l", 3*peekHead) // metadata past the first read
	want := map[string]Entry{
		"GET a 1": {Key: "GET a 1", Status: 200, Body: []byte("alpha"), FetchedAt: time.Unix(100, 0).UTC()},
		"GET b 1": {Key: "GET b 1", Status: 404, FetchedAt: time.Unix(200, 0).UTC()},
		"GET c 1": {Key: "GET c 1", Status: 200, Header: map[string]string{"Link": long}, Body: []byte("gamma"), FetchedAt: time.Unix(300, 0).UTC()},
	}
	for _, e := range want {
		require.NoError(t, st.Put(e))
	}
	// Not entries: a corrupt file under an entry's name, one under
	// another key's name, a stranger's file.
	require.NoError(t, os.WriteFile(filepath.Join(dir, FileName("GET junk 1")), []byte("MBCE\x01garbage"), 0o600))
	moved, err := os.ReadFile(filepath.Join(dir, FileName("GET a 1")))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, FileName("GET elsewhere 1")), moved, 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o600))
	old := time.Unix(1_000_000, 0)
	for key := range want {
		require.NoError(t, os.Chtimes(filepath.Join(dir, FileName(key)), old, old))
	}

	p := NewPeek(dir, 0)
	heads, err := p.Heads()
	require.NoError(t, err)
	var keys []string
	for _, h := range heads {
		keys = append(keys, h.Key)
		assert.Nil(t, h.Body, h.Key)
		assert.Equal(t, want[h.Key].Status, h.Status, h.Key)
		assert.True(t, want[h.Key].FetchedAt.Equal(h.FetchedAt), h.Key)
	}
	sort.Strings(keys)
	assert.Equal(t, []string{"GET a 1", "GET b 1", "GET c 1"}, keys)

	e, ok := p.Get("GET c 1")
	require.True(t, ok)
	assert.Equal(t, "gamma", string(e.Body))
	assert.Equal(t, long, e.Header["Link"])
	_, ok = p.Get("GET elsewhere 1")
	assert.False(t, ok, "an entry under another key's name is a miss")
	_, ok = p.Get("GET nothing 1")
	assert.False(t, ok)

	for key := range want {
		fi, err := os.Stat(filepath.Join(dir, FileName(key)))
		require.NoError(t, err)
		assert.True(t, fi.ModTime().Equal(old), "%s was marked used", key)
	}
}

func TestPeekCreatesNothingAndDistrusts(t *testing.T) {
	root := t.TempDir()
	missing := filepath.Join(root, "missing")
	heads, err := NewPeek(missing, 0).Heads()
	require.NoError(t, err)
	assert.Empty(t, heads)
	_, err = os.Stat(missing)
	assert.True(t, os.IsNotExist(err), "Peek made the directory")

	open := filepath.Join(root, "open")
	st, err := Open(open, Options{})
	require.NoError(t, err)
	require.NoError(t, st.Put(Entry{Key: "GET a 1", Status: 200, Body: []byte("x")}))
	require.NoError(t, os.Chmod(open, 0o777))
	p := NewPeek(open, 0)
	heads, err = p.Heads()
	require.NoError(t, err)
	assert.Empty(t, heads, "a directory others can write is not read")
	_, ok := p.Get("GET a 1")
	assert.False(t, ok)
}
