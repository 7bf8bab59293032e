package hf

// The client's side of the reliability suite (RELIABILITY.md): answers
// that must never be cached, damaged cache entries, Retry-After in all its
// forms, timeouts with the real transport, and memory under an endless
// answer.

import (
	"context"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/cache"
	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest/hubtesting"
	"github.com/modelbrowser/modelbrowser/internal/query"
)

const qwenID = "Qwen/Qwen3-0.6B"

// A 200 whose body does not decode is an error, is not stored, and the
// next call asks the Hub again: a malformed answer the Hub sent once must
// not be served for the entry's whole TTL (forever, for config.json at a
// commit).
func TestUnusableAnswerNeverCached(t *testing.T) {
	ctx := context.Background()
	qwen, ok := hubtesting.New(t).Repo(qwenID)
	require.True(t, ok)
	tests := map[string]struct {
		route hubtest.Route
		call  func(c *Client) error
		// remembered: the client that got the unusable answer gives it
		// again for the rest of its run (asked.go); the next run asks.
		remembered bool
	}{
		"model info": {route: hubtest.RouteInfo, call: func(c *Client) error { _, _, err := c.ModelInfo(ctx, qwenID, ""); return err }},
		"list page": {route: hubtest.RouteList, call: func(c *Client) error {
			_, err := c.ListPage(ctx, ListOptions{Query: query.Query{Text: "qwen"}}, "")
			return err
		}},
		"config.json at a commit": {route: hubtest.RouteResolve, remembered: true, call: func(c *Client) error {
			m, err := c.ResolveContext(ctx, compat.Model{ID: qwenID, SHA: qwen.SHA})
			if err == nil && m.ContextLength.Value != 40960 {
				return fmt.Errorf("context %d", m.ContextLength.Value)
			}
			return err
		}},
	}
	bodies := map[string]string{
		"malformed":  `{"id": "x", "tags": [`,
		"wrong type": `"a string"`,
		"empty":      ``,
	}
	for name, tc := range tests {
		for bname, body := range bodies {
			t.Run(name+"/"+bname, func(t *testing.T) {
				hub := hubtesting.New(t)
				f := hubtest.Fault{Route: tc.route, Status: 200, Body: body, Times: 1}
				if body == "" {
					f.Body, f.Header = " ", map[string]string{"Content-Type": "application/json"}
				}
				hub.Fail(f)
				mc := newMemCache()
				c := cachedClient(t, hub.URL, mc, newClock())
				err := tc.call(c)
				require.Error(t, err)
				assert.True(t, IsKind(err, BadResponse), "%v", err)
				assert.Contains(t, err.Error(), "request id ")
				assert.Zero(t, mc.len(), "nothing stored")

				if tc.remembered {
					require.Error(t, tc.call(c), "the same run is given the same answer")
					assert.Equal(t, 1, hub.Count(hubtest.RouteAny), "and does not ask again")
					c = cachedClient(t, hub.URL, mc, newClock()) // the next run
				}
				require.NoError(t, tc.call(c), "the Hub is well again")
				assert.Equal(t, 2, hub.Count(hubtest.RouteAny))
				require.NoError(t, tc.call(c))
				assert.Equal(t, 2, hub.Count(hubtest.RouteAny), "the good answer is cached")
			})
		}
	}
}

// An entry whose checksums hold but whose body does not decode (written
// by an older build, or by a Hub that answered garbage) is fetched again
// and replaced, even while fresh; with its ETag, the 304 is not trusted.
func TestDamagedCachedBodyRefetched(t *testing.T) {
	ctx := context.Background()
	for _, revalidate := range []bool{false, true} {
		t.Run(fmt.Sprintf("revalidate=%t", revalidate), func(t *testing.T) {
			hub := hubtesting.New(t)
			mc, clk := newMemCache(), newClock()
			c := cachedClient(t, hub.URL, mc, clk)
			want, _, err := c.ModelInfo(ctx, qwenID, "")
			require.NoError(t, err)
			require.Equal(t, 1, mc.len())
			for k, e := range mc.m {
				e.Body = []byte(`{"id": 42}`)
				mc.m[k] = e
			}
			if revalidate {
				clk.advance(2 * time.Hour) // stale: revalidated, the Hub says 304
			}
			got, meta, err := c.ModelInfo(ctx, qwenID, "")
			require.NoError(t, err)
			assert.Equal(t, want.ID, got.ID)
			assert.False(t, meta.FromCache)
			reqs := hub.Requests()
			if revalidate {
				require.Len(t, reqs, 3)
				assert.NotEmpty(t, reqs[1].Header.Get("If-None-Match"))
				assert.Empty(t, reqs[2].Header.Get("If-None-Match"), "the damaged body is fetched whole")
			} else {
				require.Len(t, reqs, 2)
				assert.Empty(t, reqs[1].Header.Get("If-None-Match"))
			}
			for _, e := range mc.m {
				_, err := DecodeModel(e.Body)
				assert.NoError(t, err, "the entry was replaced")
			}
		})
	}
	t.Run("offline", func(t *testing.T) {
		hub := hubtesting.New(t)
		mc, clk := newMemCache(), newClock()
		_, _, err := cachedClient(t, hub.URL, mc, clk).ModelInfo(ctx, qwenID, "")
		require.NoError(t, err)
		for k, e := range mc.m {
			e.Body = []byte(`not json`)
			mc.m[k] = e
		}
		_, _, err = cachedClient(t, hub.URL, mc, clk, func(c *Config) { c.Offline = true }).ModelInfo(ctx, qwenID, "")
		assert.True(t, IsKind(err, Offline), "%v", err)
	})
}

// When a stale entry exists and the Hub's answer is unusable, the stale
// answer is served, marked, with the error.
func TestStaleServedWhenAnswerUnusable(t *testing.T) {
	ctx := context.Background()
	hub := hubtesting.New(t)
	mc, clk := newMemCache(), newClock()
	c := cachedClient(t, hub.URL, mc, clk)
	want, _, err := c.ModelInfo(ctx, qwenID, "")
	require.NoError(t, err)
	clk.advance(3 * time.Hour)
	r, _ := hub.Repo(qwenID)
	r.Likes++ // a new ETag: the Hub answers 200 with a body
	hub.AddRepos(r)
	hub.Fail(hubtest.Fault{Route: hubtest.RouteInfo, Status: 200, Body: `{"id": `})
	got, meta, err := c.ModelInfo(ctx, qwenID, "")
	require.NoError(t, err)
	assert.Equal(t, want, got)
	assert.True(t, meta.Stale)
	assert.True(t, IsKind(meta.Err, BadResponse), "%v", meta.Err)
	for _, e := range mc.m {
		_, err := DecodeModel(e.Body)
		assert.NoError(t, err, "the good entry stands")
	}
}

// Retry-After and RateLimit in every form: the wait asked for is the wait
// taken, capped; unreadable or negative ones fall back to the backoff;
// one beyond MaxRetryWait ends the attempts at once with the wait.
func TestRetryAfterForms(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	backoff1, backoff2 := 375*time.Millisecond, 750*time.Millisecond // Rand 0.5
	tests := map[string]struct {
		header   map[string]string
		times    int
		sleeps   []time.Duration
		requests int
		wait     time.Duration // RetryAfter of the final error; -1: success
	}{
		"RateLimit r=0;t=4":             {map[string]string{"RateLimit": `"api";r=0;t=4`}, 1, []time.Duration{4 * time.Second}, 2, -1},
		"RateLimit r=3: t is no wait":   {map[string]string{"RateLimit": `"api";r=3;t=40`}, 1, []time.Duration{backoff1}, 2, -1},
		"RateLimit t beats Retry-After": {map[string]string{"RateLimit": `"api";r=0;t=2`, "Retry-After": "9"}, 1, []time.Duration{2 * time.Second}, 2, -1},
		"Retry-After seconds":           {map[string]string{"RateLimit": "", "Retry-After": "3"}, 1, []time.Duration{3 * time.Second}, 2, -1},
		"Retry-After HTTP date":         {map[string]string{"RateLimit": "", "Retry-After": now.Add(7 * time.Second).Format(http.TimeFormat)}, 1, []time.Duration{7 * time.Second}, 2, -1},
		"Retry-After RFC 850 date":      {map[string]string{"RateLimit": "", "Retry-After": now.Add(5 * time.Second).Format(time.RFC850)}, 1, []time.Duration{5 * time.Second}, 2, -1},
		"Retry-After date in the past":  {map[string]string{"RateLimit": "", "Retry-After": now.Add(-time.Hour).Format(http.TimeFormat)}, 1, []time.Duration{backoff1}, 2, -1},
		"Retry-After negative":          {map[string]string{"RateLimit": "", "Retry-After": "-5"}, 0, []time.Duration{backoff1, backoff2}, 3, 0},
		"Retry-After fraction":          {map[string]string{"RateLimit": "", "Retry-After": "1.5"}, 0, []time.Duration{backoff1, backoff2}, 3, 0},
		"Retry-After garbage":           {map[string]string{"RateLimit": "", "Retry-After": "soon; <b>maybe</b>"}, 0, []time.Duration{backoff1, backoff2}, 3, 0},
		"Retry-After huge":              {map[string]string{"RateLimit": "", "Retry-After": "99999999999999999999999"}, 0, nil, 1, MaxRetryAfter},
		"Retry-After date in a year":    {map[string]string{"RateLimit": "", "Retry-After": now.AddDate(1, 0, 0).Format(http.TimeFormat)}, 0, nil, 1, MaxRetryAfter},
		"RateLimit t huge":              {map[string]string{"RateLimit": `"api";r=0;t=99999999999999999999`}, 0, nil, 1, MaxRetryAfter},
		"over MaxRetryWait":             {map[string]string{"RateLimit": "", "Retry-After": "11"}, 0, nil, 1, 11 * time.Second},
		"waits beyond MaxTotalWait":     {map[string]string{"RateLimit": "", "Retry-After": "8"}, 0, []time.Duration{8 * time.Second, 8 * time.Second}, 3, 8 * time.Second},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			hub := hubtesting.New(t)
			hub.Fail(hubtest.Fault{Route: hubtest.RouteInfo, Status: 429, Times: tc.times, Header: tc.header})
			c, sl := newTestClient(t, hub.URL, func(c *Config) { c.Now = func() time.Time { return now } })
			m, _, err := c.ModelInfo(context.Background(), qwenID, "")
			assert.Equal(t, tc.sleeps, sl.all())
			assert.Equal(t, tc.requests, hub.Count(hubtest.RouteInfo))
			if tc.wait < 0 {
				require.NoError(t, err)
				assert.Equal(t, qwenID, m.ID)
				return
			}
			var he *Error
			require.ErrorAs(t, err, &he)
			assert.Equal(t, RateLimited, he.Kind)
			assert.Equal(t, tc.wait, he.RetryAfter)
			assert.NotContains(t, err.Error(), "\x1b")
		})
	}
}

// Timeouts with the real transport: a connection that never completes
// its handshake, and a server that never sends its status line. Each
// attempt ends at the configured timeout; the attempts are retried.
func TestRealTransportTimeouts(t *testing.T) {
	t.Run("connect", func(t *testing.T) {
		addr := hubtesting.UnacceptingListener(t)
		c, sl := newTestClient(t, "http://"+addr, func(c *Config) { c.Timeout = 200 * time.Millisecond })
		start := time.Now()
		_, _, err := c.ModelInfo(context.Background(), qwenID, "")
		assert.True(t, IsKind(err, Timeout), "%v", err)
		assert.Contains(t, err.Error(), "did not answer within 200ms")
		assert.Len(t, sl.all(), 2, "retried")
		assert.Less(t, time.Since(start), 3*time.Second)
	})
	t.Run("headers", func(t *testing.T) {
		var n atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			<-r.Context().Done()
		}))
		defer srv.Close()
		c, sl := newTestClient(t, srv.URL, func(c *Config) { c.Timeout = 200 * time.Millisecond })
		_, _, err := c.ModelInfo(context.Background(), qwenID, "")
		assert.True(t, IsKind(err, Timeout), "%v", err)
		assert.Contains(t, err.Error(), "did not answer within 200ms")
		assert.Len(t, sl.all(), 2)
		assert.EqualValues(t, 3, n.Load())
	})
	t.Run("DNS", func(t *testing.T) {
		c, _ := newTestClient(t, "http://modelbrowser-test.invalid", func(c *Config) { c.Timeout = time.Second })
		_, _, err := c.ModelInfo(context.Background(), qwenID, "")
		require.Error(t, err)
		// A resolver that answers says no such host; one that does not
		// answer in time is a timeout. Either way, one line naming it.
		assert.True(t, IsKind(err, Network) || IsKind(err, Timeout), "%v", err)
		assert.Contains(t, err.Error(), "modelbrowser-test.invalid")
		assert.NotContains(t, err.Error(), "\n")
	})
}

// An endless answer stops at MaxBodyBytes, and reading it allocates a
// small multiple of the cap, not the doubling growth of a bytes.Buffer.
func TestEndlessBodyBoundedMemory(t *testing.T) {
	const capBytes = 8 << 20
	chunk := []byte(strings.Repeat(`{"id":"a/b"},`, 4096))
	var sent atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte("["))
		for r.Context().Err() == nil {
			n, err := w.Write(chunk)
			sent.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL, func(c *Config) { c.MaxBodyBytes = capBytes; c.Timeout = 20 * time.Second })

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := c.ListPage(context.Background(), ListOptions{}, "")
	runtime.ReadMemStats(&after)
	require.Error(t, err)
	assert.True(t, IsKind(err, BadResponse), "%v", err)
	assert.Contains(t, err.Error(), "larger than 8 MiB")
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("endless body over HTTP: %d MiB sent, %d MiB allocated by client and server (cap %d MiB)", sent.Load()>>20, allocated>>20, capBytes>>20)
	assert.Less(t, allocated, uint64(4*capBytes), "allocation while reading")

	// readBody alone, on an endless reader: the buffer's growth is the
	// whole cost, under twice and a half the cap (a doubling bytes.Buffer
	// allocates four times it).
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err = readBody(&http.Response{ContentLength: -1, Body: endless{}}, capBytes)
	runtime.ReadMemStats(&after)
	assert.ErrorIs(t, err, errTooLarge)
	allocated = after.TotalAlloc - before.TotalAlloc
	t.Logf("endless body: readBody allocated %d MiB (cap %d MiB)", allocated>>20, capBytes>>20)
	assert.Less(t, allocated, uint64(5*capBytes/2), "readBody's allocation")

	// A long Content-Length is refused before reading anything.
	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(capBytes+1))
		w.WriteHeader(200)
		w.Write([]byte("["))
	}))
	defer big.Close()
	c, _ = newTestClient(t, big.URL, func(c *Config) { c.MaxBodyBytes = capBytes })
	_, err = c.ListPage(context.Background(), ListOptions{}, "")
	assert.True(t, IsKind(err, BadResponse), "%v", err)
	assert.Contains(t, err.Error(), "larger than 8 MiB")
}

// readBody returns exactly the body, whatever its length relative to the
// first buffer, with or without a Content-Length.
func TestReadBodyExact(t *testing.T) {
	for _, n := range []int{0, 1, bodyChunk - 1, bodyChunk, bodyChunk + 1, 5*bodyChunk + 7} {
		for _, known := range []bool{false, true} {
			body := strings.Repeat("x", n)
			cl := int64(-1)
			if known {
				cl = int64(n)
			}
			resp := &http.Response{ContentLength: cl, Body: readCloser{strings.NewReader(body)}}
			got, err := readBody(resp, int64(5*bodyChunk+7))
			require.NoError(t, err, "n=%d", n)
			assert.Equal(t, n, len(got), "n=%d known=%t", n, known)
			resp = &http.Response{ContentLength: cl, Body: readCloser{strings.NewReader(body)}}
			if n > 0 {
				_, err = readBody(resp, int64(n-1))
				assert.ErrorIs(t, err, errTooLarge, "n=%d known=%t", n, known)
			}
		}
	}
}

type readCloser struct{ *strings.Reader }

// endless is a body that never ends.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

func (endless) Close() error { return nil }

func (readCloser) Close() error { return nil }

// A full disk under the client: the answer is still served, no partial
// entry is left, one warning is given.
func TestFullDiskUnderClient(t *testing.T) {
	dir := t.TempDir()
	var warnings []string
	st, err := cache.Open(dir, cache.Options{
		Warn: func(m string) { warnings = append(warnings, m) },
		Hooks: cache.Hooks{CreateTemp: func(dir, pattern string) (cache.TempFile, error) {
			f, err := os.CreateTemp(dir, pattern)
			return enospcFile{f}, err
		}},
	})
	require.NoError(t, err)
	hub := hubtesting.New(t)
	c, _ := newTestClient(t, hub.URL, func(c *Config) { c.Cache = st })
	m, _, err := c.ModelInfo(context.Background(), qwenID, "")
	require.NoError(t, err)
	assert.Equal(t, qwenID, m.ID)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "no partial entry")
	require.Len(t, warnings, 1)
	assert.Contains(t, warnings[0], "no space left on device")
	// The rest of the session still caches, in memory.
	_, _, err = c.ModelInfo(context.Background(), qwenID, "")
	require.NoError(t, err)
	assert.Equal(t, 1, hub.Count(hubtest.RouteAny))
}

// enospcFile writes half of what it is given, then fails as a full disk.
type enospcFile struct{ *os.File }

func (f enospcFile) Write(p []byte) (int, error) {
	n, _ := f.File.Write(p[:len(p)/2])
	return n, &fs.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
}

// The token stays out of every error, whatever path the failure took:
// a server echoing it in headers and bodies, a redirect to a URL holding
// it, a network error on such a URL.
func TestTokenNeverInErrors(t *testing.T) {
	closed := func() string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		defer ln.Close()
		return ln.Addr().String()
	}()
	echo := "Bearer " + testToken
	faults := map[string]hubtest.Fault{
		"401 echoing":          {Status: 401, Header: map[string]string{"X-Error-Message": "Invalid credentials in Authorization header: " + echo}},
		"403 echoing":          {Status: 403, Body: `{"error": "` + echo + ` is not allowed"}`},
		"400 echoing":          {Status: 400, Header: map[string]string{"X-Error-Message": echo}},
		"500 echoing in HTML":  {Status: 500, Body: "<html>" + echo + "</html>"},
		"429 echoing":          {Status: 429, Body: `{"error":"` + echo + `"}`, Header: map[string]string{"X-Error-Message": echo}},
		"redirect to a closed": {RedirectTo: "http://" + closed + "/api/models/x?token=" + url.QueryEscape(testToken)},
		"redirect loop":        {RedirectTo: "/api/models/" + testToken},
		"stall":                {Stall: time.Minute},
		"reset":                {Reset: true},
	}
	for name, f := range faults {
		t.Run(name, func(t *testing.T) {
			hub := hubtesting.New(t)
			f.Route = hubtest.RouteAny
			hub.Fail(f)
			c, _ := newTestClient(t, hub.URL, func(c *Config) { c.Timeout = 200 * time.Millisecond })
			_, _, err := c.ModelInfo(context.Background(), qwenID, "")
			require.Error(t, err)
			assert.NotContains(t, err.Error(), testToken)
			assert.NotContains(t, fmt.Sprintf("%+v %#v", err, err), testToken)
		})
	}
}

// A refused HF_ENDPOINT never echoes its credentials, parsed or not.
func TestEndpointErrorHidesCredentials(t *testing.T) {
	for _, raw := range []string{
		"https://user:hf_SecretInURL@example.com",
		"https://hf_SecretInURL@example.com/path",
		"http://hf_SecretInURL:x@[::1",        // does not parse
		"ftp://me:hf_SecretInURL@example.com", // wrong scheme
		"https://a:hf_SecretInURL@example.com/?q=1",
	} {
		_, err := ConfigFromEnv(func(k string) string {
			if k == "HF_ENDPOINT" {
				return raw
			}
			return ""
		}, nil)
		require.Error(t, err, raw)
		assert.Contains(t, err.Error(), "HF_ENDPOINT")
		assert.NotContains(t, err.Error(), "hf_SecretInURL", raw)
		_, err = New(Config{Endpoint: raw})
		require.Error(t, err, raw)
		assert.NotContains(t, err.Error(), "hf_SecretInURL", raw)
	}
	assert.Equal(t, "https://[credentials]@h/p@q", hideUserinfo("https://u:p@h/p@q"))
	assert.Equal(t, "no at sign", hideUserinfo("no at sign"))
}

// An answer quoting the token (in a Link, an ETag, a body) is served but
// never stored: the token never reaches the disk.
func TestAnswerQuotingTheTokenNotStored(t *testing.T) {
	ctx := context.Background()
	for name, f := range map[string]hubtest.Fault{
		"next link": {Route: hubtest.RouteList, NextLink: "http://HOST/api/models?cursor=" + testToken},
		"ETag":      {Route: hubtest.RouteList, Status: 200, Body: `[]`, Header: map[string]string{"ETag": `"` + testToken + `"`}},
		"body":      {Route: hubtest.RouteList, Status: 200, Body: `[{"id": "a/b", "tags": ["` + testToken + `"]}]`},
	} {
		t.Run(name, func(t *testing.T) {
			hub := hubtesting.New(t)
			f.NextLink = strings.Replace(f.NextLink, "http://HOST", hub.URL, 1)
			hub.Fail(f)
			mc := newMemCache()
			c := cachedClient(t, hub.URL, mc, newClock())
			_, err := c.ListPage(ctx, ListOptions{Query: query.Query{Text: "qwen"}}, "")
			require.NoError(t, err)
			assert.Zero(t, mc.len(), "not stored")
			// Anonymous answers have no token to leak: stored as usual.
			ac := cachedClient(t, hub.URL, mc, newClock(), anonymous)
			_, err = ac.ListPage(ctx, ListOptions{Query: query.Query{Text: "qwen"}}, "")
			require.NoError(t, err)
			assert.Equal(t, 1, mc.len())
		})
	}
}
