package hf

// Tests for the defects of the adversarial review (issue 11,
// RELIABILITY.md "Adversarial review").

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
)

// A Hub whose X-Request-Id echoes the token never gets it printed: the
// request id is Hub text like any other and is redacted, in errors of
// every status, in the refused-next-link error and in a page's Meta.
func TestRequestIDNeverCarriesToken(t *testing.T) {
	ctx := context.Background()
	echo := map[string]string{"X-Request-Id": "Root=1-abc;Bearer " + testToken}
	for _, status := range []int{400, 404, 500} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			hub := hubtest.New(t)
			hub.Fail(hubtest.Fault{Route: hubtest.RouteAny, Status: status, Header: echo})
			c, _ := newTestClient(t, hub.URL, func(c *Config) { c.MaxAttempts = 1 })
			_, _, err := c.ModelInfo(ctx, qwenID, "")
			require.Error(t, err)
			var he *Error
			require.True(t, errors.As(err, &he))
			assert.Contains(t, he.RequestID, "Root=1-abc", "the harmless part stays")
			assert.NotContains(t, he.RequestID, testToken)
			assert.NotContains(t, err.Error(), testToken)
		})
	}
	// 200 answers: a plain server, as the fake Hub sets its own ids there.
	for name, link := range map[string]string{"refused next link": "<http://other.example/api/models?cursor=x>; rel=\"next\"", "success": ""} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Request-Id", echo["X-Request-Id"])
				if link != "" {
					w.Header().Set("Link", link)
				}
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, "[]")
			}))
			defer srv.Close()
			c, _ := newTestClient(t, srv.URL)
			p, err := c.ListPage(ctx, ListOptions{Search: "qwen"}, "")
			if link != "" {
				require.Error(t, err)
				assert.NotContains(t, err.Error(), testToken)
			} else {
				require.NoError(t, err)
			}
			assert.Contains(t, p.Meta.RequestID, "Root=1-abc")
			assert.NotContains(t, p.Meta.RequestID, testToken)
		})
	}
}
