package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/cache"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
)

// memoFiles lists the cache entries that hold a page memo (an Aux).
func memoFiles(t *testing.T, dir string) []string {
	t.Helper()
	list, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(t, err)
	var out []string
	for _, d := range list {
		data, err := os.ReadFile(filepath.Join(dir, d.Name()))
		require.NoError(t, err)
		if e, err := cache.DecodeEnvelope(data); err == nil && len(e.Aux) > 0 {
			out = append(out, d.Name())
		}
	}
	return out
}

// dropMemo writes an entry file again without its memo.
func dropMemo(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	e, err := cache.DecodeEnvelope(data)
	require.NoError(t, err)
	e.Aux = nil
	require.NoError(t, os.WriteFile(path, cache.EncodeEnvelope(e), 0o600))
}

// TestPageMemoChangesNoOutput: search prints the same bytes, stdout and
// stderr, whether its pages come from the Hub, from the cached bodies or
// from their memos, for every fixture and synthetic model of the fake Hub,
// as text and --json, with and without --fit.
func TestPageMemoChangesNoOutput(t *testing.T) {
	h := newHarness(t, hubtest.Options{PageSize: 7, GatedTokens: []string{testToken}, Synthetic: 40})
	variants := [][]string{
		{"search", "", "--all", "--limit", "1000"},
		{"search", "", "--all", "--limit", "1000", "--json"},
		// --memory: the free memory the fit reads would move between runs.
		{"search", "", "--limit", "1000", "--fit", "--memory", "16GiB"},
		{"search", "", "--all", "--limit", "1000", "--fit", "--json", "--memory", "16GiB"},
		{"search", "", "--limit", "1000", "--json", "--no-context"},
		{"search", "qwen", "--all", "--sort", "likes"},
	}
	for i, args := range variants {
		// The first run of each variant may ask the Hub (the first
		// variant's pages, --fit's configs and headers); the next ones
		// are warm, their pages read from the memos, then, with the memos
		// removed, decoded from the cached bodies.
		code, first, firstErr := h.run(args...)
		require.Equal(t, exitOK, code, "%q: %s", args, firstErr)
		require.NotEmpty(t, memoFiles(t, h.cache), "the pages' memos are written")

		code, memo, memoErr := h.run(args...)
		assert.Equal(t, exitOK, code)
		assert.Equal(t, first, memo, "%q: stdout, cold and with the memos", args)

		for _, f := range memoFiles(t, h.cache) {
			dropMemo(t, filepath.Join(h.cache, f))
		}
		code, plain, plainErr := h.run(args...)
		assert.Equal(t, exitOK, code)
		assert.Equal(t, memo, plain, "%q: stdout, with the memos and decoded from the cached pages", args)
		assert.Equal(t, memoErr, plainErr, "%q: stderr, with the memos and decoded from the cached pages", args)
		assert.NotEmpty(t, memoFiles(t, h.cache), "%q: the memos written again", args)

		if i == 0 {
			code, none, noneErr := h.run(append(args, "--no-cache")...)
			assert.Equal(t, exitOK, code)
			assert.Equal(t, first, none, "%q: stdout without a cache", args)
			assert.Equal(t, firstErr, noneErr)
		}
	}

	// The memos live in their pages' entries: counted with them (in their
	// size too), cleared with them.
	list, err := os.ReadDir(h.cache)
	require.NoError(t, err)
	code, out, _ := h.run("cache", "info")
	require.Equal(t, exitOK, code)
	m := regexp.MustCompile(`entries:\s+(\d+)`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	n, _ := strconv.Atoi(m[1])
	assert.Equal(t, len(list), n, "cache info counts every file")
	code, _, _ = h.run("cache", "clear")
	require.Equal(t, exitOK, code)
	assert.Empty(t, memoFiles(t, h.cache), "cache clear removes the memos")
}
