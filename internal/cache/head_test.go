package cache

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGetGivesTheBodysSum: an entry read from disk carries the checksum
// its envelope checked, the SHA-256 of its body.
func TestGetGivesTheBodysSum(t *testing.T) {
	s, _ := openTest(t, Options{})
	body := []byte(strings.Repeat("the body ", 1000))
	require.NoError(t, s.Put(Entry{Key: "k", Status: 200, Body: body}))
	e, ok := s.Get("k")
	require.True(t, ok)
	assert.Equal(t, sha256.Sum256(body), e.Sum)
}

// TestHead: Head reads an entry's metadata and its body's recorded sum,
// without the body; a cut file, another key's file or none is a miss.
func TestHead(t *testing.T) {
	s, _ := openTest(t, Options{})
	body := []byte(strings.Repeat("x", 10000))
	require.NoError(t, s.Put(Entry{Key: "k", Status: 200, ETag: `"e"`, Header: map[string]string{"Link": "<next>"}, Body: body}))
	h, ok := s.Head("k")
	require.True(t, ok)
	assert.Nil(t, h.Body)
	assert.Equal(t, sha256.Sum256(body), h.Sum)
	assert.Equal(t, `"e"`, h.ETag)
	assert.Equal(t, "<next>", h.Header["Link"])
	assert.Equal(t, 200, h.Status)

	_, ok = s.Head("absent")
	assert.False(t, ok)

	path := filepath.Join(s.Path(), FileName("k"))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, data[:len(data)-1], 0o600))
	_, ok = s.Head("k")
	assert.False(t, ok, "a cut file is a miss")

	require.NoError(t, os.WriteFile(filepath.Join(s.Path(), FileName("other")), data, 0o600))
	_, ok = s.Head("other")
	assert.False(t, ok, "another key's entry under this name is a miss")
}

// TestPutTrustsAGivenSum: a Put with Sum set does not hash the body again,
// and a wrong Sum gives an entry that reads as corrupt: a miss, never a
// wrong body.
func TestPutTrustsAGivenSum(t *testing.T) {
	s, _ := openTest(t, Options{})
	body := []byte("body")
	require.NoError(t, s.Put(Entry{Key: "right", Status: 200, Body: body, Sum: sha256.Sum256(body)}))
	e, ok := s.Get("right")
	require.True(t, ok)
	assert.Equal(t, body, e.Body)
	require.NoError(t, s.Put(Entry{Key: "wrong", Status: 200, Body: body, Sum: sha256.Sum256([]byte("other"))}))
	_, ok = s.Get("wrong")
	assert.False(t, ok)
}

// TestWriteBehindHead: a queued entry answers Head as it is; else the
// store's Head does.
func TestWriteBehindHead(t *testing.T) {
	s, _ := openTest(t, Options{})
	require.NoError(t, s.Put(Entry{Key: "stored", Status: 200, Body: []byte("b")}))
	w := NewWriteBehind(s)
	defer w.Close()
	e, ok := w.Head("stored")
	require.True(t, ok)
	assert.Nil(t, e.Body)
	assert.Equal(t, sha256.Sum256([]byte("b")), e.Sum)
	_, ok = w.Head("absent")
	assert.False(t, ok)
}

// TestHeadReadsAuxNotBody: an entry's Aux, however long, comes with Head;
// the body stays unread (a body cut short still reads, from its head).
func TestHeadReadsAuxNotBody(t *testing.T) {
	s, _ := openTest(t, Options{})
	aux := []byte(strings.Repeat("aux", 10000))
	body := []byte(strings.Repeat("b", 50000))
	require.NoError(t, s.Put(Entry{Key: "k", Status: 200, Aux: aux, Body: body}))
	h, ok := s.Head("k")
	require.True(t, ok)
	assert.Equal(t, aux, h.Aux)
	assert.Nil(t, h.Body)
	e, ok := s.Get("k")
	require.True(t, ok)
	assert.Equal(t, aux, e.Aux)
	assert.Equal(t, body, e.Body)

	// A flipped body byte: Get misses (its checksum), Head does not read it.
	path := filepath.Join(s.Path(), FileName("k"))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	data[len(data)-1] ^= 1
	require.NoError(t, os.WriteFile(path, data, 0o600))
	_, ok = s.Get("k")
	assert.False(t, ok)
	h, ok = s.Head("k")
	require.True(t, ok)
	assert.Equal(t, aux, h.Aux)
}
