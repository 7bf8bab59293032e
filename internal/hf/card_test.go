package hf

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest/hubtesting"
)

// The card is one GET of README.md at the commit the list gave, and is
// cached forever at that commit: a year later, and offline, it still
// reads from the cache with no request.
func TestModelCardAtACommitIsCachedForever(t *testing.T) {
	hub := hubtesting.New(t)
	repo, ok := hub.Repo("Qwen/Qwen3-0.6B")
	require.True(t, ok)
	mc, clk := newMemCache(), newClock()
	c := cachedClient(t, hub.URL, mc, clk)

	text, meta, err := c.ModelCard(context.Background(), repo.ID, repo.SHA)
	require.NoError(t, err)
	assert.False(t, meta.FromCache)
	assert.Contains(t, text, "license: apache-2.0")
	assert.Contains(t, text, "# Qwen3-0.6B")
	reqs := hub.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, http.MethodGet, reqs[0].Method)
	assert.Equal(t, "/Qwen/Qwen3-0.6B/resolve/"+repo.SHA+"/README.md", reqs[0].Path)

	clk.advance(365 * 24 * time.Hour)
	again := cachedClient(t, hub.URL, mc, clk) // a new run: nothing remembered
	text2, meta, err := again.ModelCard(context.Background(), repo.ID, repo.SHA)
	require.NoError(t, err)
	assert.Equal(t, text, text2)
	assert.True(t, meta.FromCache)

	offline := cachedClient(t, hub.URL, mc, clk, func(c *Config) { c.Offline = true })
	text3, meta, err := offline.ModelCard(context.Background(), repo.ID, repo.SHA)
	require.NoError(t, err)
	assert.Equal(t, text, text3)
	assert.True(t, meta.FromCache)
	assert.Len(t, hub.Requests(), 1, "a card at a commit is asked once")

	_, _, err = offline.ModelCard(context.Background(), "openai-community/gpt2", "")
	assert.True(t, IsKind(err, Offline), "%v", err)
}

// A gated card is Gated (401 without a token, 403 with one not granted),
// a repo without README.md is NotFound; both are remembered like a
// config.json's refusal, offline too.
func TestModelCardRefusals(t *testing.T) {
	hub := hubtesting.New(t, hubtest.Options{GatedTokens: []string{"hf_granted"}})
	gated, _ := hub.Repo(gatedID)
	hub.AddRepos(hubtest.Repo{ID: "example/no-card", Files: []string{"config.json", "model.safetensors"}})
	bare, _ := hub.Repo("example/no-card")

	for name, tt := range map[string]struct {
		token, id, sha string
		kind           Kind
		status         int
	}{
		"gated anonymous": {"", gatedID, gated.SHA, Gated, http.StatusUnauthorized},
		"gated token":     {testToken, gatedID, gated.SHA, Gated, http.StatusForbidden},
		"missing":         {"", bare.ID, bare.SHA, NotFound, http.StatusNotFound},
	} {
		t.Run(name, func(t *testing.T) {
			hub.ResetRequests()
			mc, clk := newMemCache(), newClock()
			c := cachedClient(t, hub.URL, mc, clk, func(c *Config) { c.Token = tt.token })
			_, _, err := c.ModelCard(context.Background(), tt.id, tt.sha)
			var he *Error
			require.ErrorAs(t, err, &he)
			assert.Equal(t, tt.kind, he.Kind)
			assert.Equal(t, tt.status, he.Status)

			offline := cachedClient(t, hub.URL, mc, clk, func(c *Config) { c.Token, c.Offline = tt.token, true })
			_, _, err = offline.ModelCard(context.Background(), tt.id, tt.sha)
			assert.True(t, IsKind(err, tt.kind), "offline: %v", err)
			assert.Len(t, hub.Requests(), 1)
		})
	}
	c, _ := newTestClient(t, hub.URL, func(c *Config) { c.Token = "hf_granted" })
	text, _, err := c.ModelCard(context.Background(), gatedID, gated.SHA)
	require.NoError(t, err)
	assert.Contains(t, text, "license: llama3.2")
}

func TestModelCardRefusesABadRevision(t *testing.T) {
	c, _ := newTestClient(t, "http://127.0.0.1:1")
	_, _, err := c.ModelCard(context.Background(), "Qwen/Qwen3-0.6B", "../../etc")
	assert.Error(t, err)
	_, _, err = c.ModelCard(context.Background(), "not a repo", "")
	assert.Error(t, err)
}
