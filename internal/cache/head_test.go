package cache

import (
	"crypto/sha256"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHead(t *testing.T) {
	for mode, open := range storeModes {
		t.Run(mode, func(t *testing.T) {
			s := open(t, Options{})
			_, _, ok := s.Head("absent")
			require.False(t, ok)
			for _, e := range []Entry{
				{Key: "small", Status: 200, ETag: `W/"1"`, Header: map[string]string{"Link": `<https://h/api/models?cursor=x>; rel="next"`}, Body: []byte("[]")},
				{Key: "empty", Status: 404},
				// Metadata longer than Head's first read.
				{Key: "long " + strings.Repeat("k", 6000), Status: 200, Header: map[string]string{"Link": strings.Repeat("l", 3000)}, Body: []byte(strings.Repeat("b", 10000))},
			} {
				require.NoError(t, s.Put(e))
				got, sum, ok := s.Head(e.Key)
				require.True(t, ok, e.Key[:5])
				require.Equal(t, sha256.Sum256(e.Body), sum)
				require.Nil(t, got.Body)
				want := e
				want.Body = nil
				requireSameEntry(t, want, got)
			}
		})
	}
}

func TestHeadRefusesDamage(t *testing.T) {
	s, _ := openTest(t, Options{})
	e := Entry{Key: "k", Status: 200, Header: map[string]string{"Link": "x"}, Body: []byte(strings.Repeat("body ", 2000))}
	require.NoError(t, s.Put(e))
	path := s.path("k")
	good, err := os.ReadFile(path)
	require.NoError(t, err)
	for name, bad := range map[string][]byte{
		"cut short":     good[:len(good)-1],
		"too long":      append(append([]byte{}, good...), 'x'),
		"meta damaged":  append(append(append([]byte{}, good[:10]...), good[10]^1), good[11:]...),
		"empty":         {},
		"other key":     EncodeEnvelope(Entry{Key: "other", Status: 200, Body: []byte("x")}),
		"garbage magic": append([]byte("XXXX"), good[4:]...),
	} {
		require.NoError(t, os.WriteFile(path, bad, 0o600))
		_, _, ok := s.Head("k")
		require.False(t, ok, name)
	}
	// A damaged body is Get's to find: Head reads only the metadata.
	body := append([]byte{}, good...)
	body[len(body)-1] ^= 1
	require.NoError(t, os.WriteFile(path, body, 0o600))
	_, sum, ok := s.Head("k")
	require.True(t, ok)
	require.Equal(t, sha256.Sum256(e.Body), sum, "the sum the entry records")
	_, ok = s.Get("k")
	require.False(t, ok)
}
