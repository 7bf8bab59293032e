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

// HF_ENDPOINT credentials are hidden however the URL parses: a password
// holding '/', '?' or '#' makes the parser see a host with a bad port or a
// path, and a scheme-less "//user:pass@host" has no "://" at all.
func TestEndpointCredentialsHiddenHoweverParsed(t *testing.T) {
	for _, raw := range []string{
		"http://user:p/hf_SecretInURL@host",
		"http://user:hf_Secret/InURL@host",
		"http://user:hf_Secret?InURL@host",
		"http://user:hf_Secret#InURL@host",
		"https://user:hf_Secret#In/URL@host/path",
		"//user:hf_SecretInURL@host",
		"//hf_SecretInURL@host/x",
		"http:user:hf_SecretInURL@host",
		"http:\\\\user:hf_SecretInURL@host",
		" http://user:hf_SecretInURL@host",
	} {
		t.Run(raw, func(t *testing.T) {
			_, err := ConfigFromEnv(func(k string) string {
				if k == "HF_ENDPOINT" {
					return raw
				}
				return ""
			}, nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "HF_ENDPOINT")
			assert.NotContains(t, err.Error(), "Secret", "whatever precedes @ is hidden")
			assert.NotContains(t, err.Error(), "InURL")
			_, err = New(Config{Endpoint: raw})
			require.Error(t, err)
			assert.NotContains(t, err.Error(), "Secret")
			assert.NotContains(t, err.Error(), "InURL")
			assert.NotContains(t, hideUserinfo(raw), "Secret")
			assert.NotContains(t, hideUserinfo(raw), "InURL")
			assert.NotContains(t, Config{Endpoint: raw}.String(), "Secret")
		})
	}
}

func TestHideUserinfoKeepsWhatIsNotCredentials(t *testing.T) {
	for in, want := range map[string]string{
		"https://u:p@h/p@q":        "https://[credentials]@h/p@q",
		"no at sign":               "no at sign",
		"https://host/a@b":         "https://host/a@b",
		"http://user:p/ss@host":    "http://[credentials]@host",
		"//user:pass@host":         "//[credentials]@host",
		"http:user:pass@host":      "http:[credentials]@host",
		"http://u:p#x@host/y@z?#w": "http://[credentials]@z?#w",
	} {
		assert.Equal(t, want, hideUserinfo(in), in)
	}
}
