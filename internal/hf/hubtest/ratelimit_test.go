package hubtest_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
)

// RateLimitPage answers 429 once to one list page, mid-way through a
// walk, with the wait in the RateLimit header; the page is then served.
func TestRateLimitPage(t *testing.T) {
	eachHub(t, hubtest.Options{PageSize: 2, NoFixtures: true, Synthetic: 10}, func(t *testing.T, h hub) {
		h.RateLimitPage(2, 1500*time.Millisecond)
		resp, _ := get(t, h, "/api/models?limit=2")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		next := resp.Header.Get("Link")
		require.NotEmpty(t, next)
		second := next[len("<"+h.URL) : len(next)-len(`>; rel="next"`)]
		resp, _ = get(t, h, second)
		assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
		assert.Equal(t, `"api";r=0;t=2`, resp.Header.Get("RateLimit"))
		resp, _ = get(t, h, second)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
	})
}
