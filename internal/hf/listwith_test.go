package hf

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
)

func TestPagesWithDecoder(t *testing.T) {
	hub := hubtest.New(t, hubtest.Options{PageSize: 7, NoFixtures: true, Synthetic: 20})
	mc := newMemCache()
	c, _ := newTestClient(t, hub.URL, func(cfg *Config) { cfg.Cache = mc })
	var want [][]compat.Model
	for p, err := range c.Pages(context.Background(), ListOptions{}) {
		require.NoError(t, err)
		want = append(want, p.Models)
	}
	require.Len(t, want, 3)

	// The decoder sees the same bodies, served from the cache now.
	calls := 0
	ids := func(body []byte) (any, error) {
		calls++
		ms, err := DecodeList(body)
		var out []string
		for _, m := range ms {
			out = append(out, m.ID)
		}
		return out, err
	}
	n := 0
	for p, err := range c.PagesWith(context.Background(), ListOptions{}, ids) {
		require.NoError(t, err)
		assert.Nil(t, p.Models)
		assert.True(t, p.Meta.FromCache)
		require.Less(t, n, len(want))
		require.Len(t, p.Value, len(want[n]))
		for i, id := range p.Value.([]string) {
			assert.Equal(t, want[n][i].ID, id)
		}
		n++
	}
	assert.Equal(t, 3, n)
	assert.Equal(t, 3, calls)
	assert.Equal(t, 3, hub.Count(hubtest.RouteList), "the second listing asked the Hub nothing")
}

func TestListPageWithRefusedBodyIsNotStored(t *testing.T) {
	hub := hubtest.New(t, hubtest.Options{PageSize: 7, NoFixtures: true, Synthetic: 20})
	mc := newMemCache()
	c, _ := newTestClient(t, hub.URL, func(cfg *Config) { cfg.Cache = mc })
	refuse := func([]byte) (any, error) { return nil, newError(BadResponse, errors.New("no"), "refused") }
	_, err := c.ListPageWith(context.Background(), ListOptions{}, "", refuse)
	require.Error(t, err)
	assert.True(t, IsKind(err, BadResponse))
	assert.Zero(t, mc.puts, "a refused answer is never stored")
}
