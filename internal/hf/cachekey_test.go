package hf

import (
	"context"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest/hubtesting"
	"github.com/modelbrowser/modelbrowser/internal/query"
)

// The keys the client really makes are read back: model info at main
// and at a revision, a file listing at a commit; a search page and a
// config.json are not about one repository's info.
func TestParseCacheKeyOfTheClientsOwnKeys(t *testing.T) {
	hub := hubtesting.New(t)
	mc := newMemCache()
	c := cachedClient(t, hub.URL, mc, newClock())
	ctx := context.Background()
	m, _, err := c.ModelInfo(ctx, "Qwen/Qwen3-0.6B", "")
	require.NoError(t, err)
	_, _, err = c.ModelInfo(ctx, "openai-community/gpt2", "main")
	require.NoError(t, err)
	_, err = c.Files(ctx, m.ID, m.SHA)
	require.NoError(t, err)
	_, err = c.ListPage(ctx, ListOptions{Query: query.Query{Text: "qwen"}}, "")
	require.NoError(t, err)
	_, err = c.ResolveContext(ctx, m)
	require.NoError(t, err)

	var got []CachedKey
	for key := range mc.m {
		if k, ok := ParseCacheKey(key, hub.URL); ok {
			got = append(got, k)
		}
		_, ok := ParseCacheKey(key, "https://elsewhere.example")
		assert.False(t, ok, "a key of another endpoint: %s", key)
	}
	sort.Slice(got, func(i, j int) bool { return got[i].ID+got[i].Revision < got[j].ID+got[j].Revision })
	assert.Equal(t, []CachedKey{
		{ID: "Qwen/Qwen3-0.6B"},
		{ID: "Qwen/Qwen3-0.6B", Files: true, Revision: m.SHA},
		{ID: "openai-community/gpt2", Revision: "main"},
	}, got)
}

func TestParseCacheKeyRefuses(t *testing.T) {
	const ep = "https://hub.example"
	for name, key := range map[string]string{
		"no fingerprint":    "GET https://hub.example/api/models/a/b?expand%5B%5D=x",
		"bad id":            "GET https://hub.example/api/models/../etc?expand%5B%5D=x anon",
		"escaped dots":      "GET https://hub.example/api/models/%2e%2e/x?expand%5B%5D=x anon",
		"files not at sha":  "GET https://hub.example/api/models/a/b/revision/main?blobs=true anon",
		"unknown query":     "GET https://hub.example/api/models/a/b?search=x anon",
		"a list":            "GET https://hub.example/api/models?search=x anon",
		"another method":    "HEAD https://hub.example/api/models/a/b?expand%5B%5D=x anon",
		"control character": "GET https://hub.example/api/models/a/b%1b?expand%5B%5D=x anon",
	} {
		_, ok := ParseCacheKey(key, ep)
		assert.False(t, ok, name)
	}
}
