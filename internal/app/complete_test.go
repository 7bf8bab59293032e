package app

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest/hubtesting"
)

// What a check put in the cache completes, and completing asks the Hub
// nothing.
func TestCompletionFromTheCache(t *testing.T) {
	hub := hubtesting.New(t)
	home := t.TempDir()
	vars := map[string]string{
		"HF_ENDPOINT":            hub.URL,
		"MODELBROWSER_CACHE_DIR": filepath.Join(home, "cache"),
		"XDG_CONFIG_HOME":        filepath.Join(home, "config"),
		"HOME":                   home,
	}
	env := Env{Getenv: func(k string) string { return vars[k] }}

	empty := NewCompletion(env)
	assert.Empty(t, empty.Repos())
	assert.Empty(t, empty.Labels("Qwen/Qwen2.5-0.5B-Instruct-GGUF"))

	h, err := OpenHub(env, Options{}, false)
	require.NoError(t, err)
	const gguf = "Qwen/Qwen2.5-0.5B-Instruct-GGUF"
	c, err := h.Check(context.Background(), gguf, "", "", compat.DefaultCatalog(), fit.Machine{}, 0)
	require.NoError(t, err)
	_, err = h.Model(context.Background(), "openai-community/gpt2", "")
	require.NoError(t, err)
	h.Close()
	require.NotEmpty(t, c.Listing.Variants)
	before := hub.Count(hubtest.RouteAny)

	comp := NewCompletion(env)
	assert.Equal(t, []string{gguf, "openai-community/gpt2"}, comp.Repos())
	var want []string
	for _, v := range c.Listing.Variants {
		want = append(want, v.Name)
	}
	assert.Equal(t, want, comp.Labels(gguf))
	assert.Contains(t, comp.Labels(gguf), "Q4_K_M")
	assert.Empty(t, comp.Labels("openai-community/gpt2"), "its files were never listed")
	assert.Empty(t, comp.Labels("nobody/here"))
	assert.Equal(t, comp.Repos(), comp.Repo("q"))
	assert.Contains(t, comp.Repo(gguf+":Q4"), gguf+":Q4_K_M")
	assert.Equal(t, before, hub.Count(hubtest.RouteAny), "completion asked the Hub")

	// Another endpoint's answers are not this one's.
	vars["HF_ENDPOINT"] = "https://hub.example"
	assert.Empty(t, NewCompletion(env).Repos())
}

func TestWorkerNames(t *testing.T) {
	env := Env{Getenv: func(k string) string {
		return map[string]string{"XDG_CONFIG_HOME": t.TempDir(), "HOME": t.TempDir()}[k]
	}}
	var want []string
	for _, w := range compat.DefaultCatalog().Workers {
		want = append(want, w.Name)
	}
	assert.Equal(t, want, WorkerNames(env, ""))
	assert.Empty(t, WorkerNames(env, "/nonexistent/workers.toml"))
}
