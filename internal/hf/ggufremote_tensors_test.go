package hf

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/gguf"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest/hubtesting"
)

// Speed needs the tensor infos: a read that asks for them goes on to
// their end within the same bounds; the cached Info then answers both
// kinds of call, while one cached without them does not answer a call
// that needs them.
func TestGGUFInfoTensors(t *testing.T) {
	hub := hubtesting.New(t, hubtest.Options{})
	hub.AddRepos(hubtest.Repo{ID: "o/llama8b", Files: []string{"m-Q8_0.gguf"},
		GGUFHeader: &hubtest.GGUFHeader{Preset: gguf.PresetLlama31_8B}})
	repo, _ := hub.Repo("o/llama8b")
	mc, clk := newMemCache(), newClock()
	ctx := context.Background()

	c := cachedClient(t, hub.URL, mc, clk, patient)
	plain, stats, err := c.GGUFInfo(ctx, repo.ID, repo.SHA, "m-Q8_0.gguf")
	require.NoError(t, err)
	assert.Nil(t, plain.Tensors)
	assert.Less(t, stats.HeaderBytes, int64(4096), "the shape alone stops at the tokens' array header")

	hub.ResetRequests()
	info, stats, err := c.GGUFInfoWith(ctx, repo.ID, repo.SHA, "m-Q8_0.gguf", gguf.Options{Tensors: true})
	require.NoError(t, err)
	require.NotNil(t, info.Tensors, "a cached Info without tensors does not answer")
	assert.False(t, stats.FromCache)
	assert.Len(t, info.Tensors.Blocks, 32)
	assert.Positive(t, info.Tensors.Output, "untied: output.weight")
	assert.LessOrEqual(t, stats.Bytes, int64(GGUFMaxBytes))
	assert.Greater(t, stats.HeaderBytes, int64(2<<20), "read past the tokenizer")
	checkReads(t, hub, testToken)

	hub.ResetRequests()
	c2 := cachedClient(t, hub.URL, mc, clk, patient)
	again, stats, err := c2.GGUFInfoWith(ctx, repo.ID, repo.SHA, "m-Q8_0.gguf", gguf.Options{Tensors: true})
	require.NoError(t, err)
	assert.True(t, stats.FromCache)
	assert.Equal(t, info, again)
	short, stats, err := c2.GGUFInfo(ctx, repo.ID, repo.SHA, "m-Q8_0.gguf")
	require.NoError(t, err)
	assert.True(t, stats.FromCache)
	assert.Equal(t, info, short, "the fuller Info answers a plain call too")
	assert.Zero(t, hub.Count(hubtest.RouteAny))

	var biggest int
	mc.mu.Lock()
	for _, e := range mc.m {
		biggest = max(biggest, len(e.Body))
	}
	mc.mu.Unlock()
	assert.Less(t, biggest, 2048, "the cached form stays compact")
}
