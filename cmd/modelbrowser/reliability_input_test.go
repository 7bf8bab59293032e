package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/cache"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
)

// badRepoIDs are refused before any request. NUL cannot travel in argv;
// TestBadRepoIDsInProcess covers it.
var badRepoIDs = []string{
	"../../etc/passwd", "..", ".", "./x", "a/..", "../x", "a/../../b", "..\\..\\windows", "C:\\x", "a\\b",
	"a/b/c", "a//b", "/a", "a/", "/", "//", "",
	strings.Repeat("a", 300), strings.Repeat("a", 97) + "/b", "a/" + strings.Repeat("b", 97),
	"a b/c", "org/name with spaces", " a/b", "a/b ", "a/b\t", "a/b\n",
	"%2e%2e/x", "a/%2e%2e", "a%2Fb", "a/b%00", "a/b?x=1", "a/b#frag", "a/b;x", "~/x", "$HOME/x", "a/`id`",
	"mеta-llama/Llama-3.1-8B-Instruct", // Cyrillic е
	"meta-llama/Llama‐3.1",             // U+2010 hyphen
	"ｍeta/x",                           // fullwidth m
	"meta-llama/Llama\u200b3",          // zero-width space
	"a/b\u202e", "a/ß",
	"CON", "con/x", "a/NUL", "LPT1.txt/x", "a/com1", "aux.json/b", "a/PRN.tar.gz",
	"a--b/c", "-a/b", "a/b-", "a./b", "a/b.", ".a/b",
	"\x1b]0;pwned\x07/x", "a/\u009b2J",
}

// Bad repository ids: refused with one line and exit 2, before any
// request, and no file is made outside the cache directory.
func TestBinaryBadRepoIDs(t *testing.T) {
	t.Parallel()
	b := newBin(t)
	for _, id := range badRepoIDs {
		for _, extra := range [][]string{nil, {"--json"}, {"--revision", "main"}, {"--offline"}, {"--refresh"}} {
			args := [][]string{append(append([]string{"check"}, extra...), "--", id)}
			if !strings.HasPrefix(id, "-") { // else a flag, refused as such
				args = append(args, append([]string{"check", id}, extra...))
			}
			for _, a := range args {
				r := b.run(a...)
				requireOneLineError(t, r)
				assert.Contains(t, r.stderr, "invalid repository id", "%s", r)
				requireInert(t, "stderr", r.stderr)
			}
		}
	}
	for _, rev := range []string{"main\n", "main\x1b[2J", strings.Repeat("r", 300)} {
		r := b.run("check", "openai-community/gpt2", "--revision", rev)
		requireOneLineError(t, r)
		assert.Contains(t, r.stderr, "invalid revision", "%s", r)
	}
	assert.Zero(t, b.hub.Count(hubtest.RouteAny), "refused before any request")
	requireOnlyCacheFiles(t, b)
}

// requireOnlyCacheFiles: every file the runs left under the test's
// temporary root is a cache entry inside the cache directory.
func requireOnlyCacheFiles(t *testing.T, b *binHarness) {
	t.Helper()
	root := filepath.Dir(b.home)
	for _, f := range filesUnder(t, root) {
		p := filepath.Join(root, f)
		rel, err := filepath.Rel(b.cache, p)
		require.NoError(t, err)
		assert.False(t, strings.HasPrefix(rel, ".."), "file outside the cache: %s", p)
		assert.Regexp(t, `^[0-9a-f]{64}$`, rel, "only hashed entry names in the cache")
	}
}

// In process, ids no argv can carry: NUL and invalid UTF-8.
func TestBadRepoIDsInProcess(t *testing.T) {
	h := newHarness(t)
	for _, id := range []string{"a\x00/b", "a/b\x00", "\x00", "../\x00/etc", "a/\xff\xfe", "a/b\x00../../etc/passwd"} {
		code, out, errOut := h.run("check", id)
		assert.Equal(t, exitError, code, "%q", id)
		assert.Empty(t, out)
		assert.Contains(t, errOut, "invalid repository id")
		assert.Equal(t, 1, strings.Count(errOut, "\n"))
		assert.NotContains(t, errOut, "\x00")
	}
	assert.Empty(t, h.hub.Requests())
}

// Whatever the key (a hostile URL, NUL, 300 characters), the cache file
// is a 64-hex name directly in the cache directory.
func TestCacheFileNameStaysInRoot(t *testing.T) {
	dir := t.TempDir()
	st, err := cache.Open(filepath.Join(dir, "cache"), cache.Options{})
	require.NoError(t, err)
	for _, id := range append(badRepoIDs, "a\x00/b", "\xff") {
		key := cache.Key("GET", "http://127.0.0.1:1/api/models/"+id, cache.TokenFingerprint(""))
		name := cache.FileName(key)
		assert.Regexp(t, `^[0-9a-f]{64}$`, name)
		require.NoError(t, st.Put(cache.Entry{Key: key, Status: 200, Body: []byte(id)}))
		got, ok := st.Get(key)
		require.True(t, ok)
		assert.Equal(t, id, string(got.Body))
	}
	files := filesUnder(t, dir)
	assert.Len(t, files, len(badRepoIDs)+2)
	for _, f := range files {
		assert.Regexp(t, `^cache/[0-9a-f]{64}$`, filepath.ToSlash(f))
	}
}

// Bad flags: one line, exit 2, no panic, no request.
func TestBinaryBadFlags(t *testing.T) {
	t.Parallel()
	b := newBin(t)
	tests := []struct {
		args []string
		msg  string
	}{
		{[]string{"search", "--limit", "-1"}, "--limit must be between 1 and 10000"},
		{[]string{"search", "--limit", "0"}, "--limit must be between"},
		{[]string{"search", "--limit", "abc"}, "invalid value"},
		{[]string{"search", "--limit", "99999999999999999999"}, "value out of range"},
		{[]string{"search", "--limit"}, "flag needs an argument"},
		{[]string{"search", "--scan", "0"}, "--scan must be between"},
		{[]string{"search", "--sort", "biggest"}, "--sort must be one of"},
		{[]string{"search", "--sort", "\x1b[2J"}, "--sort must be one of"},
		{[]string{"search", "--frobnicate"}, "modelbrowser: search: unknown flag --frobnicate (see 'modelbrowser search --help')\n"},
		{[]string{"search", "--\x1b]0;pwned\x07"}, "modelbrowser: search: unknown flag -- (see 'modelbrowser search --help')\n"},
		{[]string{"search", "-\x1b[2Jx"}, "modelbrowser: search: unknown flag -x (see 'modelbrowser search --help')\n"},
		{[]string{"search", "-json"}, "modelbrowser: search: unknown flag -json (long flags take two dashes: --json; see 'modelbrowser search --help')\n"},
		{[]string{"get", "-x"}, "modelbrowser: get: unknown flag -x (see 'modelbrowser get --help')\n"},
		{[]string{"search", "--json=maybe"}, "invalid boolean value"},
		{[]string{"search", "a", "b"}, "one QUERY at most"},
		{[]string{"search", "--filter"}, "flag needs an argument"},
		{[]string{"search", "--offline", "--no-cache"}, "exclude each other"},
		{[]string{"check"}, "exactly one REPO_ID"},
		{[]string{"check", "a/b", "c/d"}, "exactly one REPO_ID"},
		{[]string{"check", "--worker"}, "flag needs an argument"},
		{[]string{"check", "openai-community/gpt2", "--worker", "nope"}, `no worker named "nope"`},
		{[]string{"check", "openai-community/gpt2", "--offline", "--refresh"}, "exclude each other"},
		{[]string{"check", "openai-community/gpt2", "--workers", "/nonexistent/w.toml"}, "worker catalog /nonexistent/w.toml: no such file"},
		{[]string{"check", "openai-community/gpt2", "--workers", "/"}, "worker catalog /"},
		{[]string{"check", "-"}, "invalid repository id"},
		{[]string{"check", "--", "--json"}, "invalid repository id"},
		{[]string{"cache"}, "want one of: info, clear, prune"},
		{[]string{"cache", "explode"}, "unknown subcommand"},
		{[]string{"cache", "info", "--frobnicate"}, "modelbrowser: cache info: unknown flag --frobnicate (see 'modelbrowser cache info --help')\n"},
		{[]string{"workers", "extra"}, "unexpected argument"},
		{[]string{"workers", "--workers", "/nonexistent"}, "no such file"},
		{[]string{"--frobnicate"}, "modelbrowser: unknown flag --frobnicate (see 'modelbrowser --help')\n"},
		{[]string{"--", "-x"}, "modelbrowser: unknown flag -x (see 'modelbrowser --help')\n"},
		{[]string{"--sort", "created"}, "--sort must be one of downloads, likes, trending, updated,"},
		{[]string{"--pick-format", "xml"}, "--pick-format must be id, json or path"},
		// The browser needs a terminal; in a pipe it says so.
		{[]string{"qwen"}, "needs a terminal"},
		{[]string{}, "needs a terminal"},
	}
	for _, tc := range tests {
		r := b.run(tc.args...)
		requireOneLineError(t, r)
		if strings.HasPrefix(tc.msg, "modelbrowser: ") {
			assert.Equal(t, tc.msg, r.stderr, "the whole line: %s", r)
		} else {
			assert.Contains(t, r.stderr, tc.msg, "%s", r)
		}
		requireInert(t, "stderr", r.stderr)
	}
	assert.Zero(t, b.hub.Count(hubtest.RouteAny))
}

// Bad environment values: one line naming the variable, exit 2, no
// request, and never a secret echoed.
func TestBinaryBadEnvironment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		vars map[string]string
		msg  string
	}{
		{map[string]string{"HF_HUB_ETAG_TIMEOUT": "abc"}, `HF_HUB_ETAG_TIMEOUT must be a positive number of seconds (at most 86400), got "abc"`},
		{map[string]string{"HF_HUB_ETAG_TIMEOUT": "-1"}, "HF_HUB_ETAG_TIMEOUT must be"},
		{map[string]string{"HF_HUB_ETAG_TIMEOUT": "0"}, "HF_HUB_ETAG_TIMEOUT must be"},
		{map[string]string{"HF_HUB_ETAG_TIMEOUT": "NaN"}, "HF_HUB_ETAG_TIMEOUT must be"},
		{map[string]string{"HF_HUB_ETAG_TIMEOUT": "Inf"}, "HF_HUB_ETAG_TIMEOUT must be"},
		{map[string]string{"HF_HUB_ETAG_TIMEOUT": "1e309"}, "HF_HUB_ETAG_TIMEOUT must be"},
		{map[string]string{"HF_HUB_ETAG_TIMEOUT": "\x1b]0;pwned\x07"}, "HF_HUB_ETAG_TIMEOUT must be"},
		{map[string]string{"HF_ENDPOINT": "not a url"}, `HF_ENDPOINT must be an absolute http(s) URL such as https://huggingface.co (the scheme must be http or https), got "not a url"`},
		{map[string]string{"HF_ENDPOINT": "ftp://hub.example"}, "the scheme must be http or https"},
		{map[string]string{"HF_ENDPOINT": "http://"}, "it has no host"},
		{map[string]string{"HF_ENDPOINT": "http://[::1"}, "it does not parse"},
		{map[string]string{"HF_ENDPOINT": "http://hub.example/?q=1"}, "query or fragment"},
		{map[string]string{"HF_ENDPOINT": "https://user:" + binToken + "@hub.example"}, "credentials belong in HF_TOKEN"},
		{map[string]string{"HF_ENDPOINT": "http://" + binToken + "@[::1"}, "it does not parse"},
		{map[string]string{"HF_ENDPOINT": "\x1b]0;pwned\x07http://x"}, "HF_ENDPOINT must be"},
		{map[string]string{"MODELBROWSER_CACHE_MAX_MB": "x"}, `MODELBROWSER_CACHE_MAX_MB must be a whole number of megabytes from 1 to 1048576, got "x"`},
		{map[string]string{"MODELBROWSER_CACHE_MAX_MB": "0"}, "MODELBROWSER_CACHE_MAX_MB must be"},
		{map[string]string{"MODELBROWSER_CACHE_MAX_MB": "-5"}, "MODELBROWSER_CACHE_MAX_MB must be"},
		{map[string]string{"MODELBROWSER_CACHE_MAX_MB": "1.5"}, "MODELBROWSER_CACHE_MAX_MB must be"},
		{map[string]string{"MODELBROWSER_CACHE_MAX_MB": "99999999999999999999"}, "MODELBROWSER_CACHE_MAX_MB must be"},
		{map[string]string{"HF_TOKEN": "hf_with a space"}, "the Hub token from HF_TOKEN holds spaces"},
		{map[string]string{"HF_TOKEN": binToken + "\x1b[2J"}, "the Hub token from HF_TOKEN holds spaces or characters"},
		{map[string]string{"HF_TOKEN": "", "HF_TOKEN_PATH": "/"}, "reading the Hub token from /"},
		{map[string]string{"MODELBROWSER_CACHE_DIR": "", "XDG_CACHE_HOME": "relative/dir"}, "path in $XDG_CACHE_HOME is relative"},
		{map[string]string{"HF_HOME": "HFHOME", "MODELBROWSER_CACHE_DIR": "HFHOME/hub/mine"}, "inside the huggingface_hub cache"},
	}
	for _, tc := range tests {
		b := newBin(t)
		for k, v := range tc.vars {
			v = strings.ReplaceAll(v, "HFHOME", filepath.Join(b.home, "hf"))
			if v == "" {
				delete(b.vars, k)
			} else {
				b.vars[k] = v
			}
		}
		for _, args := range [][]string{{"check", "openai-community/gpt2"}, {"search", "qwen", "--json"}} {
			r := b.run(args...)
			requireOneLineError(t, r)
			assert.Contains(t, r.stderr, tc.msg, "%s", r)
			assert.NotContains(t, r.stderr, binToken, "%s", r)
			requireInert(t, "stderr", r.stderr)
		}
		assert.Zero(t, b.hub.Count(hubtest.RouteAny), "%v", tc.vars)
		_, err := os.Stat(filepath.Join(b.home, "hf", "hub", "mine"))
		assert.True(t, os.IsNotExist(err), "nothing written in the huggingface_hub cache")
	}
}

// TestBinaryHostileLocalFiles: a FIFO or a device where the token file or
// the worker catalog should be is refused at once with one line and exit
// 2, never waited on or read without end (issue 11, items 4 and 12), and
// `cache info` creates nothing (item 16).
func TestBinaryHostileLocalFiles(t *testing.T) {
	t.Parallel()
	b := newBin(t)
	fifo := filepath.Join(b.home, "fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))

	delete(b.vars, "HF_TOKEN")
	for _, path := range []string{fifo, "/dev/zero"} {
		b.vars["HF_TOKEN_PATH"] = path
		r := b.run("check", "openai-community/gpt2")
		assert.Equal(t, 2, r.code, "%s", r)
		assert.Less(t, r.elapsed, 10*time.Second, "%s", r)
		requireOneLineError(t, r)
	}
	delete(b.vars, "HF_TOKEN_PATH")

	for _, path := range []string{fifo, "/dev/zero"} {
		r := b.run("workers", "--workers", path)
		assert.Equal(t, 2, r.code, "%s", r)
		assert.Less(t, r.elapsed, 10*time.Second, "%s", r)
		requireOneLineError(t, r)
		assert.Contains(t, r.stderr, "worker catalog")
	}

	fresh := filepath.Join(b.home, "no-cache-here")
	b.vars["MODELBROWSER_CACHE_DIR"] = fresh
	r := b.run("cache", "info")
	assert.Equal(t, 0, r.code, "%s", r)
	assert.Contains(t, r.stdout, "entries:  0")
	_, err := os.Stat(fresh)
	assert.True(t, os.IsNotExist(err), "cache info made %s", fresh)
}
