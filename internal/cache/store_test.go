package cache

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// openTest opens a Store in a fresh directory with an injected clock.
func openTest(t *testing.T, opt Options) (*Store, *clock) {
	t.Helper()
	c := newClock()
	if opt.Now == nil {
		opt.Now = c.Now
	}
	s, err := Open(t.TempDir(), opt)
	require.NoError(t, err)
	return s, c
}

// storeModes opens the same kind of Store on disk and memory-only, for
// behaviour both must share.
var storeModes = map[string]func(t *testing.T, opt Options) *Store{
	"disk": func(t *testing.T, opt Options) *Store {
		s, _ := openTest(t, opt)
		require.False(t, s.MemoryOnly())
		return s
	},
	"memory": func(t *testing.T, opt Options) *Store {
		opt.Hooks.CreateTemp = func(string, string) (TempFile, error) { return nil, os.ErrPermission }
		s, _ := openTest(t, opt)
		require.True(t, s.MemoryOnly())
		return s
	},
}

func TestRoundTrip(t *testing.T) {
	for mode, open := range storeModes {
		t.Run(mode, func(t *testing.T) {
			s := open(t, Options{})
			for _, e := range sampleEntries() {
				require.NoError(t, s.Put(e))
				got, ok := s.Get(e.Key)
				require.True(t, ok, "%q missing after Put", e.Key)
				requireSameEntry(t, e, got)
			}
			_, ok := s.Get("never put")
			require.False(t, ok)
		})
	}
}

func TestPutOverwrites(t *testing.T) {
	for mode, open := range storeModes {
		t.Run(mode, func(t *testing.T) {
			s := open(t, Options{})
			require.NoError(t, s.Put(Entry{Key: "k", ETag: "v1", Status: 200, Body: []byte("first, longer body")}))
			second := Entry{Key: "k", ETag: "v2", Status: 404, Body: []byte("2nd")}
			require.NoError(t, s.Put(second))
			got, ok := s.Get("k")
			require.True(t, ok)
			requireSameEntry(t, second, got)
			info, err := s.Info()
			require.NoError(t, err)
			require.Equal(t, 1, info.Entries)
		})
	}
}

func TestGetReturnsCallersCopy(t *testing.T) {
	for mode, open := range storeModes {
		t.Run(mode, func(t *testing.T) {
			s := open(t, Options{})
			body := []byte("original")
			require.NoError(t, s.Put(Entry{Key: "k", Body: body, Header: map[string]string{"A": "1"}}))
			body[0] = 'X' // the caller's slice is not the stored one
			got, _ := s.Get("k")
			got.Body[1] = 'Y'
			got.Header["A"] = "changed"
			again, ok := s.Get("k")
			require.True(t, ok)
			require.Equal(t, "original", string(again.Body))
			require.Equal(t, "1", again.Header["A"])
		})
	}
}

func TestDelete(t *testing.T) {
	for mode, open := range storeModes {
		t.Run(mode, func(t *testing.T) {
			s := open(t, Options{})
			require.NoError(t, s.Put(Entry{Key: "a", Body: []byte("a")}))
			require.NoError(t, s.Put(Entry{Key: "b", Body: []byte("b")}))
			s.Delete("a")
			s.Delete("never put")
			_, ok := s.Get("a")
			require.False(t, ok)
			_, ok = s.Get("b")
			require.True(t, ok, "Delete removed another key")
		})
	}
}

func TestPutRefuses(t *testing.T) {
	for mode, open := range storeModes {
		t.Run(mode, func(t *testing.T) {
			s := open(t, Options{MaxBytes: 1000})
			require.Error(t, s.Put(Entry{}), "empty key")
			require.ErrorIs(t, s.Put(Entry{Key: "big", Body: make([]byte, 1000)}), ErrTooLarge)
			_, ok := s.Get("big")
			require.False(t, ok)
			require.NoError(t, s.Put(Entry{Key: "small", Body: make([]byte, 500)}))
		})
	}
}

func TestFileNamesAreHashed(t *testing.T) {
	s, _ := openTest(t, Options{})
	keys := []string{
		Key("GET", "https://huggingface.co/api/models/meta-llama/Llama-3.1-8B", "anon"),
		"../../etc/passwd",
		"/etc/passwd",
		`..\..\windows\system32`,
		"a/../../../b\x00c",
		"",
	}
	for _, key := range keys {
		p := s.path(key)
		require.Equal(t, s.Path(), filepath.Dir(p), "path of %q escapes the root", key)
		rel, err := filepath.Rel(s.Path(), p)
		require.NoError(t, err)
		require.False(t, strings.HasPrefix(rel, ".."), "path of %q escapes the root", key)
		require.True(t, isEntryName(filepath.Base(p)))
		if key != "" {
			require.NoError(t, s.Put(Entry{Key: key, Body: []byte(key)}))
		}
	}
	names := dirNames(t, s.Path())
	require.Len(t, names, len(keys)-1)
	for _, name := range names {
		require.True(t, isEntryName(name), "unexpected file %q", name)
		for _, word := range []string{"huggingface", "llama", "etc", "passwd", "models", "GET"} {
			require.NotContains(t, strings.ToLower(name), strings.ToLower(word))
		}
	}
	// Nothing was written outside the root.
	parent := dirNames(t, filepath.Dir(s.Path()))
	require.Equal(t, []string{filepath.Base(s.Path())}, parent)
}

func TestPermissions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	s, err := Open(dir, Options{})
	require.NoError(t, err)
	require.NoError(t, s.Put(Entry{Key: "k", Body: []byte("x")}))
	fi, err := os.Stat(dir)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o700), fi.Mode().Perm())
	fi, err = os.Stat(s.path("k"))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
}

func TestCorruptEntryIsAMiss(t *testing.T) {
	valid := EncodeEnvelope(Entry{Key: "k", Status: 200, Body: []byte("body")})
	cases := map[string][]byte{
		"key mismatch": EncodeEnvelope(Entry{Key: "other key", Status: 200, Body: []byte("body")}),
	}
	for name, tc := range brokenEnvelopes() {
		cases[name] = tc.data
	}
	cases["truncated"] = valid[:len(valid)-2]
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			s, _ := openTest(t, Options{})
			require.NoError(t, os.WriteFile(s.path("k"), data, 0o600))
			_, ok := s.Get("k")
			require.False(t, ok)

			fresh := Entry{Key: "k", ETag: "fresh", Body: []byte("fresh")}
			require.NoError(t, s.Put(fresh))
			got, ok := s.Get("k")
			require.True(t, ok)
			requireSameEntry(t, fresh, got)
		})
	}
}

func TestNonRegularEntryIsAMiss(t *testing.T) {
	s, _ := openTest(t, Options{})
	require.NoError(t, os.Mkdir(s.path("k"), 0o700))
	_, ok := s.Get("k")
	require.False(t, ok)
}

func TestDirectoryRemovedWhileOpen(t *testing.T) {
	var w warnings
	s, _ := openTest(t, Options{Warn: w.Warn})
	require.NoError(t, os.RemoveAll(s.Path()))
	_, ok := s.Get("k")
	require.False(t, ok)
	require.NoError(t, s.Put(Entry{Key: "k", Body: []byte("x")}))
	require.False(t, s.MemoryOnly(), "a removed directory is recreated, not given up on")
	require.Zero(t, w.Count())
	_, err := os.Stat(s.path("k"))
	require.NoError(t, err)
}

func TestConcurrentGoroutines(t *testing.T) {
	for mode, open := range storeModes {
		t.Run(mode, func(t *testing.T) {
			s := open(t, Options{MaxBytes: 64 << 10})
			var wg sync.WaitGroup
			errs := make(chan error, 8)
			for g := range 8 {
				wg.Go(func() {
					for i := range 200 {
						key := fmt.Sprintf("key-%d", i%5)
						body := []byte(strings.Repeat(key, 1+i%300))
						switch (g + i) % 7 {
						case 0:
							s.Delete(key)
						case 1:
							if _, err := s.Prune(); err != nil {
								errs <- err
								return
							}
						case 2, 3:
							if err := s.Put(Entry{Key: key, ETag: key, Body: body}); err != nil {
								errs <- err
								return
							}
						default:
							if e, ok := s.Get(key); ok && (e.ETag != key || strings.ReplaceAll(string(e.Body), key, "") != "") {
								errs <- fmt.Errorf("read %q: entry of %q, body %.20q", key, e.ETag, e.Body)
								return
							}
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			info, err := s.Info()
			require.NoError(t, err)
			require.LessOrEqual(t, info.Bytes, int64(64<<10))
		})
	}
}

func TestOpenRejectsBadArguments(t *testing.T) {
	_, err := Open("", Options{})
	require.Error(t, err)
	_, err = Open(t.TempDir(), Options{MaxBytes: -1})
	require.Error(t, err)
	s, err := Open(t.TempDir(), Options{})
	require.NoError(t, err)
	require.Equal(t, DefaultMaxBytes, s.max)
	require.WithinDuration(t, time.Now(), s.now(), time.Minute, "default clock")
}
