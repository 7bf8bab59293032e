package hf

// Tests for the defects of the adversarial review (issue 11,
// RELIABILITY.md "Adversarial review").

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/cache"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest/hubtesting"
	"github.com/modelbrowser/modelbrowser/internal/query"
)

// A Hub whose X-Request-Id echoes the token never gets it printed: the
// request id is Hub text like any other and is redacted, in errors of
// every status, in the refused-next-link error and in a page's Meta.
func TestRequestIDNeverCarriesToken(t *testing.T) {
	ctx := context.Background()
	echo := map[string]string{"X-Request-Id": "Root=1-abc;Bearer " + testToken}
	for _, status := range []int{400, 404, 500} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			hub := hubtesting.New(t)
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
			p, err := c.ListPage(ctx, ListOptions{Query: query.Query{Text: "qwen"}}, "")
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

// recordAuth answers every request with an empty list and records the
// Authorization header it carried.
type recordAuth struct{ auth []string }

func (r *recordAuth) RoundTrip(req *http.Request) (*http.Response, error) {
	r.auth = append(r.auth, req.Header.Get("Authorization"))
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader("[]")), ContentLength: 2, Request: req}, nil
}

// Over plain http to a host that is not loopback the token is not sent
// (a proxy or anyone on the path would read it) and one warning says so,
// unless MODELBROWSER_ALLOW_HTTP_TOKEN allows it. https and loopback (the
// fake Hub, a local mirror) keep it.
func TestTokenNotSentOverPlainHTTP(t *testing.T) {
	tests := map[string]struct {
		endpoint string
		allow    string
		sent     bool
	}{
		"http remote":          {endpoint: "http://hub.example.com", sent: false},
		"http remote IP":       {endpoint: "http://10.1.2.3:8080/hub", sent: false},
		"http remote allowed":  {endpoint: "http://hub.example.com", allow: "1", sent: true},
		"http remote allow no": {endpoint: "http://hub.example.com", allow: "0", sent: false},
		"https remote":         {endpoint: "https://hub.example.com", sent: true},
		"http 127.0.0.1":       {endpoint: "http://127.0.0.1:9999", sent: true},
		"http 127.5.6.7":       {endpoint: "http://127.5.6.7", sent: true},
		"http localhost":       {endpoint: "http://LocalHost:8080", sent: true},
		"http ::1":             {endpoint: "http://[::1]:8080", sent: true},
		"http localhost.evil":  {endpoint: "http://localhost.evil.com", sent: false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cfg, err := ConfigFromEnv(func(k string) string {
				return map[string]string{"HF_ENDPOINT": tc.endpoint, "HF_TOKEN": testToken, "MODELBROWSER_ALLOW_HTTP_TOKEN": tc.allow}[k]
			}, nil)
			require.NoError(t, err)
			rec := &recordAuth{}
			var warnings []string
			cfg.Transport = rec
			cfg.Warn = func(s string) { warnings = append(warnings, s) }
			c, err := New(cfg)
			require.NoError(t, err)
			for range 2 {
				_, err = c.ListPage(context.Background(), ListOptions{Query: query.Query{Text: "qwen"}}, "")
				require.NoError(t, err)
			}
			require.Len(t, rec.auth, 2)
			if tc.sent {
				assert.Equal(t, "Bearer "+testToken, rec.auth[0])
				assert.Empty(t, warnings)
				return
			}
			assert.Equal(t, []string{"", ""}, rec.auth)
			require.Len(t, warnings, 1, "one warning")
			assert.Contains(t, warnings[0], "MODELBROWSER_ALLOW_HTTP_TOKEN")
			assert.NotContains(t, warnings[0], testToken)
		})
	}
}

// Offline over a cache directory that has become read-only: the answers
// already on disk still come back (the store stops writing, not reading).
func TestOfflineAnswersFromReadOnlyCache(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	hub := hubtesting.New(t)
	rw, err := cache.Open(dir, cache.Options{})
	require.NoError(t, err)
	online, _ := newTestClient(t, hub.URL, func(c *Config) { c.Cache = rw })
	_, _, err = online.ModelInfo(ctx, qwenID, "")
	require.NoError(t, err)

	var warnings []string
	ro, err := cache.Open(dir, cache.Options{
		Warn: func(m string) { warnings = append(warnings, m) },
		Hooks: cache.Hooks{CreateTemp: func(dir, _ string) (cache.TempFile, error) {
			return nil, &fs.PathError{Op: "open", Path: dir, Err: syscall.EROFS}
		}},
	})
	require.NoError(t, err)
	require.True(t, ro.MemoryOnly())
	offline, _ := newTestClient(t, hub.URL, func(c *Config) { c.Cache, c.Offline = ro, true })
	m, meta, err := offline.ModelInfo(ctx, qwenID, "")
	require.NoError(t, err, "the answer on the read-only disk is served offline")
	assert.Equal(t, qwenID, m.ID)
	assert.True(t, meta.FromCache)
	assert.Len(t, warnings, 1)
	assert.Equal(t, 1, hub.Count(hubtest.RouteAny), "offline asked nothing")
}
