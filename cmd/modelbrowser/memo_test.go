package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/cache"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
)

// judgedEntries lists the judged pages in the harness's cache.
func judgedEntries(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	names, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, p := range names {
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		if e, err := cache.DecodeEnvelope(data); err == nil && strings.HasPrefix(e.Key, judgedVersion+" ") {
			out = append(out, p)
		}
	}
	return out
}

// A repeated search reads its pages back judged and prints exactly what
// the first one printed.
func TestSearchReadsJudgedPagesBack(t *testing.T) {
	h := newHarness(t, hubtest.Options{PageSize: 7, Synthetic: 30})
	args := []string{"search", "--all", "--limit", "40", "--json", "--no-context"}
	code, cold, errOut := h.run(args...)
	require.Equal(t, exitOK, code, errOut)
	pages := h.hub.Count(hubtest.RouteList)
	require.Greater(t, pages, 1)
	require.Len(t, judgedEntries(t, h.cache), pages, "one judged page per page")

	code, warm, errOut := h.run(args...)
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, cold, warm)
	assert.Equal(t, pages, h.hub.Count(hubtest.RouteList), "the pages came from the cache")

	// Without any cache the same search prints the same.
	code, fresh, _ := h.run(append(args, "--no-cache")...)
	require.Equal(t, exitOK, code)
	assert.Equal(t, cold, fresh)

	// Damaged judged pages are made again, the same.
	for _, p := range judgedEntries(t, h.cache) {
		require.NoError(t, os.WriteFile(p, []byte("garbage"), 0o600))
	}
	code, again, errOut := h.run(args...)
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, cold, again)
	requireIntactEntries(t, h.cache)
}

// Judged pages belong to the catalog they were judged with: another
// catalog judges the same cached page again.
func TestJudgedPagesFollowTheCatalog(t *testing.T) {
	h := newHarness(t, hubtest.Options{PageSize: 7, Synthetic: 14})
	args := []string{"search", "--all", "--limit", "14", "--json", "--no-context"}
	code, before, errOut := h.run(args...)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, before, `"recommended_worker":"llm-worker-rbee-cpu"`)

	file := filepath.Join(t.TempDir(), "workers.toml")
	require.NoError(t, os.WriteFile(file, []byte(`[[workers]]
name = "only-qwen"
device = "cpu"
formats = ["gguf"]
max_context = 4096

[workers.architectures]
gguf = ["qwen3"]
`), 0o600))
	code, after, errOut := h.run(append(args, "--workers", file)...)
	require.Equal(t, exitOK, code, errOut)
	assert.NotContains(t, after, "llm-worker-rbee-cpu")
	assert.Contains(t, after, `"name":"only-qwen"`)
	code, fresh, _ := h.run(append(args, "--workers", file, "--no-cache")...)
	require.Equal(t, exitOK, code)
	assert.Equal(t, fresh, after)

	code, back, _ := h.run(args...)
	require.Equal(t, exitOK, code)
	assert.Equal(t, before, back)
}

// The page cache still decides: offline, the cached pages (and their
// judged form) answer; a page never cached is still an error.
func TestJudgedPagesOffline(t *testing.T) {
	h := newHarness(t, hubtest.Options{PageSize: 7, Synthetic: 14})
	args := []string{"search", "--all", "--limit", "7", "--json", "--no-context"}
	code, online, errOut := h.run(args...)
	require.Equal(t, exitOK, code, errOut)
	code, offline, errOut := h.run(append(args, "--offline")...)
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, online, offline)
	code, _, errOut = h.run("search", "--all", "--limit", "7", "--json", "--no-context", "--offline", "--sort", "likes")
	assert.Equal(t, exitError, code)
	assert.Contains(t, errOut, "offline")
}
