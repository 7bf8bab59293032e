package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/cache"
	"github.com/modelbrowser/modelbrowser/internal/hf"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
	"github.com/modelbrowser/modelbrowser/internal/report"
)

// infoKey is the cache key of the binary's model info request for id.
func infoKey(b *binHarness, id, token string) string {
	u := b.vars["HF_ENDPOINT"] + "/api/models/" + id + "?" + url.Values{"expand[]": hf.ListExpand}.Encode()
	return cache.Key("GET", u, cache.TokenFingerprint(token))
}

// requireIntactEntries: every file in the cache directory is an intact
// envelope of a 200 or 404 answer, and no temporary file is left.
func requireIntactEntries(t *testing.T, dir string) int {
	t.Helper()
	files := filesUnder(t, dir)
	for _, f := range files {
		require.Regexp(t, `^[0-9a-f]{64}$`, f, "only entries")
		data, err := os.ReadFile(filepath.Join(dir, f))
		require.NoError(t, err)
		e, err := cache.DecodeEnvelope(data)
		require.NoError(t, err, f)
		assert.Equal(t, f, cache.FileName(e.Key))
		assert.Contains(t, []int{200, 404}, e.Status)
		if e.Status == 200 {
			assert.True(t, json.Valid(e.Body), "%s holds invalid JSON", f)
		}
	}
	return len(files)
}

// Damaged entries, written where the binary looks for the answer: each is
// a miss, the answer is fetched again and is the right one, and the entry
// is replaced by an intact one.
func TestBinaryDamagedCacheEntries(t *testing.T) {
	t.Parallel()
	const id = "openai-community/gpt2"
	good := func(key string) []byte {
		return cache.EncodeEnvelope(cache.Entry{Key: key, FetchedAt: time.Now(), Status: 200, ETag: `"x"`,
			Body: hubtest.ModelJSON(hubtest.Repo{ID: id, ModelType: "gpt2", Files: []string{"model.safetensors"}}, hf.ListExpand...)})
	}
	tests := map[string]func(key string) []byte{
		"garbage":   func(string) []byte { return []byte("\x00\xffnot an envelope at all, just bytes\n") },
		"empty":     func(string) []byte { return nil },
		"truncated": func(key string) []byte { g := good(key); return g[:len(g)/2] },
		"future version": func(key string) []byte {
			g := good(key)
			g[4] = 2 // the format version byte after "MBCE"
			return g
		},
		"body checksum fails": func(key string) []byte {
			g := good(key)
			g[len(g)-3] ^= 0x20
			return g
		},
		"meta checksum fails": func(key string) []byte {
			g := good(key)
			g[10] ^= 0x01
			return g
		},
		"another key's entry": func(key string) []byte { return good(key + "x") },
		"fresh, intact, body not JSON": func(key string) []byte {
			return cache.EncodeEnvelope(cache.Entry{Key: key, FetchedAt: time.Now(), Status: 200, Body: []byte(`{"id": oops`)})
		},
		"fresh, intact, body of the wrong type": func(key string) []byte {
			return cache.EncodeEnvelope(cache.Entry{Key: key, FetchedAt: time.Now(), Status: 200, Body: []byte(`[1,2,3]`)})
		},
		"fresh, intact, a stored 500": func(key string) []byte {
			return cache.EncodeEnvelope(cache.Entry{Key: key, FetchedAt: time.Now(), Status: 500, Body: []byte(`<html>`)})
		},
	}
	for name, damage := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := newBin(t)
			want := b.run("check", id, "--json", "--no-cache")
			require.Equal(t, exitNegative, want.code, "%s", want)
			key := infoKey(b, id, binToken)
			path := filepath.Join(b.cache, cache.FileName(key))
			require.NoError(t, os.MkdirAll(b.cache, 0o700))
			require.NoError(t, os.WriteFile(path, damage(key), 0o600))
			b.hub.ResetRequests()

			r := b.run("check", id, "--json")
			require.Equal(t, exitNegative, r.code, "%s", r)
			assert.Equal(t, want.stdout, r.stdout)
			assert.Empty(t, r.stderr)
			assert.Equal(t, 1, b.hub.Count(hubtest.RouteInfo), "fetched again")
			data, err := os.ReadFile(path)
			require.NoError(t, err, "the entry was written under the name the test computed")
			e, err := cache.DecodeEnvelope(data)
			require.NoError(t, err, "replaced by an intact entry")
			assert.Equal(t, key, e.Key)
			assert.Equal(t, 200, e.Status)
			requireIntactEntries(t, b.cache)

			b.hub.ResetRequests()
			r = b.run("check", id, "--json")
			assert.Equal(t, want.stdout, r.stdout)
			assert.Zero(t, b.hub.Count(hubtest.RouteInfo), "and now served from the cache")
		})
	}
}

// A symbolic link where an entry should be is never followed for a write:
// the file it points to is left as it was.
func TestBinaryCacheEntrySymlink(t *testing.T) {
	t.Parallel()
	b := newBin(t)
	const id = "openai-community/gpt2"
	precious := filepath.Join(b.home, "precious.txt")
	require.NoError(t, os.WriteFile(precious, []byte("keep me"), 0o600))
	require.NoError(t, os.MkdirAll(b.cache, 0o700))
	path := filepath.Join(b.cache, cache.FileName(infoKey(b, id, binToken)))
	require.NoError(t, os.Symlink(precious, path))
	r := b.run("check", id)
	require.Equal(t, exitNegative, r.code, "%s", r)
	got, err := os.ReadFile(precious)
	require.NoError(t, err)
	assert.Equal(t, "keep me", string(got))
	fi, err := os.Lstat(path)
	require.NoError(t, err)
	assert.True(t, fi.Mode().IsRegular(), "the link was replaced by an entry")
}

// Every entry of a warm cache damaged at once (cut in half): the same
// answers, all entries rewritten intact.
func TestBinaryEveryEntryDamaged(t *testing.T) {
	t.Parallel()
	b := newBin(t, hubtest.Options{PageSize: 7, NoFixtures: true, Synthetic: 30})
	// --memory: the free memory check reports must not move between runs.
	cmds := [][]string{{"search", "--all", "--limit", "30", "--json"}, {"check", "synthetic-org-1/model-1-qwen2", "--json", "--memory", "16GiB"}}
	var want []binResult
	for _, c := range cmds {
		r := b.run(c...)
		require.Equal(t, exitOK, r.code, "%s", r)
		want = append(want, r)
	}
	n := requireIntactEntries(t, b.cache)
	require.Greater(t, n, 10)
	for _, f := range filesUnder(t, b.cache) {
		p := filepath.Join(b.cache, f)
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(p, data[:len(data)/2], 0o600))
	}
	for i, c := range cmds {
		r := b.run(c...)
		require.Equal(t, exitOK, r.code, "%s", r)
		assert.Equal(t, want[i].stdout, r.stdout)
		assert.Empty(t, r.stderr)
	}
	assert.Equal(t, n, requireIntactEntries(t, b.cache))
}

// A cache directory that cannot be written: the command still answers,
// with one warning line, and nothing is written.
func TestBinaryUnwritableCache(t *testing.T) {
	t.Parallel()
	const id = "openai-community/gpt2"
	check := func(t *testing.T, b *binHarness, attr *syscall.SysProcAttr) {
		t.Helper()
		want := b.run("check", id, "--json", "--no-cache")
		require.Equal(t, exitNegative, want.code, "%s", want)
		for range 2 { // nothing is kept between runs, and it still works
			r := b.runWith(attr, "check", id, "--json")
			require.Equal(t, exitNegative, r.code, "%s", r)
			assert.Equal(t, want.stdout, r.stdout)
			requireOneLine(t, r.stderr, r)
			assert.Contains(t, r.stderr, "modelbrowser: warning: cache: cannot write to "+b.cache)
			assert.Contains(t, r.stderr, "caching in memory only until exit")
			r = b.runWith(attr, "search", "qwen", "--all")
			require.Equal(t, exitOK, r.code, "%s", r)
			assert.Contains(t, r.stdout, "Qwen/")
			requireOneLine(t, r.stderr, r)
		}
		r := b.runWith(attr, "cache", "info")
		require.Equal(t, exitOK, r.code, "%s", r)
		assert.Contains(t, r.stdout, "entries:  0")
	}
	t.Run("a file where the directory should be", func(t *testing.T) {
		t.Parallel()
		b := newBin(t)
		file := filepath.Join(b.home, "not-a-dir")
		require.NoError(t, os.WriteFile(file, []byte("x"), 0o600))
		b.cache = filepath.Join(file, "cache")
		b.vars["MODELBROWSER_CACHE_DIR"] = b.cache
		check(t, b, nil)
	})
	t.Run("a directory this user cannot write", func(t *testing.T) {
		t.Parallel()
		b := newBin(t)
		// As root, chmod does not stop writes: run the binary as nobody,
		// in a home it can read, with the cache directory root's own.
		root, err := os.MkdirTemp("", "modelbrowser-ro-")
		require.NoError(t, err)
		t.Cleanup(func() { os.RemoveAll(root) })
		require.NoError(t, os.Chmod(root, 0o755))
		b.home, b.cache = root, filepath.Join(root, "cache")
		b.vars["HOME"], b.vars["XDG_CONFIG_HOME"], b.vars["MODELBROWSER_CACHE_DIR"] = root, filepath.Join(root, "config"), b.cache
		require.NoError(t, os.Mkdir(b.cache, 0o755))
		var attr *syscall.SysProcAttr
		if os.Geteuid() == 0 {
			attr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		} else {
			require.NoError(t, os.Chmod(b.cache, 0o555))
			t.Cleanup(func() { os.Chmod(b.cache, 0o755) })
		}
		check(t, b, attr)
		assert.Empty(t, filesUnder(t, b.cache))
	})
}

// Temporary files left by dead writers are swept (older than ten
// minutes), a live writer's is left alone, and neither counts as an entry.
func TestBinaryLeftoverTempFiles(t *testing.T) {
	t.Parallel()
	b := newBin(t)
	require.NoError(t, os.MkdirAll(b.cache, 0o700))
	old := time.Now().Add(-time.Hour)
	dead := []string{".tmp-modelbrowser-1234", ".tmp-modelbrowser-probe-99"}
	for _, name := range dead {
		p := filepath.Join(b.cache, name)
		require.NoError(t, os.WriteFile(p, []byte("MBCE\x01half an entr"), 0o600))
		require.NoError(t, os.Chtimes(p, old, old))
	}
	live := filepath.Join(b.cache, ".tmp-modelbrowser-5678")
	require.NoError(t, os.WriteFile(live, []byte("MBCE\x01being written"), 0o600))
	other := filepath.Join(b.cache, "README.txt") // not ours: left alone
	require.NoError(t, os.WriteFile(other, []byte("hello"), 0o600))
	require.NoError(t, os.Chtimes(other, old, old))

	r := b.run("check", "openai-community/gpt2", "--json")
	require.Equal(t, exitNegative, r.code, "%s", r)
	assert.Empty(t, r.stderr)
	for _, name := range dead {
		assert.NoFileExists(t, filepath.Join(b.cache, name), "swept")
	}
	assert.FileExists(t, live)
	assert.FileExists(t, other)
	r = b.run("cache", "info")
	require.Equal(t, exitOK, r.code)
	entries := 0
	for _, f := range filesUnder(t, b.cache) {
		if len(f) == 64 {
			entries++
		}
	}
	assert.Contains(t, r.stdout, fmt.Sprintf("entries:  %d\n", entries), "temporary files are not entries")
}

// Eight processes of the binary read and write the same entries at once,
// round after round, half of them revalidating (rewriting every entry)
// while the others read: all succeed with identical output, and no read
// ever misses an entry another process was rewriting (a torn or
// half-written entry would be a miss, and a miss asks the Hub without
// If-None-Match).
func TestBinaryConcurrentProcesses(t *testing.T) {
	t.Parallel()
	const procs, rounds = 8, 4
	b := newBin(t, hubtest.Options{PageSize: 7, NoFixtures: true, Synthetic: 30})
	args := []string{"search", "--all", "--limit", "30", "--json"}
	want := b.run(append(args, "--no-cache")...)
	require.Equal(t, exitOK, want.code, "%s", want)
	var res []report.SearchElement
	require.NoError(t, json.Unmarshal([]byte(want.stdout), &res))
	require.Len(t, res, 30)

	runs, invalid := 0, 0
	for round := range rounds {
		b.hub.ResetRequests()
		var wg sync.WaitGroup
		out := make([]binResult, procs)
		for p := range procs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a := args
				if round > 0 && p%2 == 1 {
					a = append(a, "--refresh")
				}
				out[p] = b.run(a...)
			}()
		}
		wg.Wait()
		for p, r := range out {
			runs++
			if r.code != exitOK || r.stdout != want.stdout || r.stderr != "" {
				invalid++
				t.Errorf("round %d process %d: %s", round, p, r)
			}
		}
		if round == 0 {
			continue
		}
		for _, q := range b.hub.Requests() {
			if q.Header.Get("If-None-Match") == "" {
				invalid++
				t.Errorf("round %d: a read missed an entry: %s %s", round, q.Path, q.RawQuery)
			}
		}
	}
	n := requireIntactEntries(t, b.cache)
	t.Logf("%d processes in %d rounds of %d at once over %d shared entries: %d invalid reads", runs, rounds, procs, n, invalid)
	assert.Zero(t, invalid)
}

// The hashed name of an entry never depends on anything but its key: a
// second token writes elsewhere, and neither name holds the token.
func TestBinaryTokenSeparatesEntries(t *testing.T) {
	t.Parallel()
	b := newBin(t)
	r := b.run("check", "openai-community/gpt2")
	require.Equal(t, exitNegative, r.code)
	delete(b.vars, "HF_TOKEN")
	r = b.run("check", "openai-community/gpt2")
	require.Equal(t, exitNegative, r.code)
	for _, tok := range []string{binToken, ""} {
		assert.FileExists(t, filepath.Join(b.cache, cache.FileName(infoKey(b, "openai-community/gpt2", tok))))
	}
	for _, f := range filesUnder(t, b.cache) {
		data, err := os.ReadFile(filepath.Join(b.cache, f))
		require.NoError(t, err)
		assert.False(t, bytes.Contains(data, []byte(binToken)))
		assert.False(t, strings.Contains(f, binToken))
	}
}
