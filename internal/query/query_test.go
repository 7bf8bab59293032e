package query

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLookupSort(t *testing.T) {
	tests := map[string]struct {
		in    string
		param string
		ok    bool
	}{
		"name":             {"downloads", "downloads", true},
		"trending":         {"trending", "trendingScore", true},
		"hub param":        {"trendingScore", "trendingScore", true},
		"case insensitive": {"Updated", "lastModified", true},
		"spaces":           {" created ", "createdAt", true},
		"unknown":          {"random", "", false},
		"empty":            {"", "", false},
		"local":            {"fit", "", true},
		"local by case":    {"Params", "", true},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			s, ok := LookupSort(tt.in)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.param, s.Param)
		})
	}
}

func TestNextSortCyclesTheBrowserOrders(t *testing.T) {
	seen := []string{}
	s := SortDownloads
	for range 9 {
		seen = append(seen, s)
		s = NextSort(s)
	}
	// The Hub's orders, then the local ones over what is loaded.
	assert.Equal(t, []string{"downloads", "likes", "trending", "updated", "fit", "size", "params", "context", "speed"}, seen)
	assert.Equal(t, SortDownloads, s, "the cycle closes")
	assert.Equal(t, SortDownloads, NextSort("created"), "an order the browser does not cycle restarts it")
	assert.NotContains(t, SortNames(true), SortCreated)
	assert.Contains(t, SortNames(false), SortCreated)
	assert.Subset(t, SortNames(false), LocalSortNames(), "search --sort takes the local orders")
	assert.NotContains(t, SortNames(true), SortFit, "the browser's --sort starts on a Hub order")
}

func TestHubSortOfALocalOrder(t *testing.T) {
	for _, name := range LocalSortNames() {
		s, ok := LookupSort(name)
		assert.True(t, ok)
		assert.True(t, s.Local)
		assert.Equal(t, SortDownloads, s.HubSort(), "the Hub lists in its default order")
	}
	s, _ := LookupSort("likes")
	assert.Equal(t, SortLikes, s.HubSort())
}

func TestQueryEqual(t *testing.T) {
	a := Query{Text: "llama", Filters: []string{"gguf"}}
	assert.True(t, a.Equal(Query{Text: "llama", Filters: []string{"gguf"}, Sort: SortDownloads}), "unset sort is downloads")
	assert.False(t, a.Equal(Query{Text: "llama"}))
	assert.False(t, a.Equal(Query{Text: "llama", Filters: []string{"safetensors"}}))
	assert.False(t, a.Equal(Query{Text: "llama", Filters: []string{"gguf"}, Sort: SortLikes}))
}
