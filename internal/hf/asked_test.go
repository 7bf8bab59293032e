package hf

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/gguf"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest/hubtesting"
)

// gatedID is a gated sample repo (samples/catalog.json) with a config.json.
const gatedID = "meta-llama/Llama-3.2-1B-Instruct"

// The fake Hub refuses a gated repo's config.json like the real one: 401
// GatedRepo without a token, 403 GatedRepo with a token not granted; the
// client reads the first as "accept the licence and set HF_TOKEN" and the
// second as "this token is not on the list", both Kind Gated.
func TestGatedConfigRefusals(t *testing.T) {
	hub := hubtesting.New(t, hubtest.Options{GatedTokens: []string{"hf_granted"}})
	repo, ok := hub.Repo(gatedID)
	require.True(t, ok)
	tests := []struct {
		token  string
		status int
		msg    string
	}{
		{"", http.StatusUnauthorized, "set HF_TOKEN"},
		{testToken, http.StatusForbidden, "not on its authorized list"},
	}
	for _, tt := range tests {
		hub.ResetRequests()
		c, _ := newTestClient(t, hub.URL, func(c *Config) { c.Token = tt.token })
		_, err := c.ConfigJSON(context.Background(), gatedID, repo.SHA)
		var he *Error
		require.True(t, errors.As(err, &he), "%v", err)
		assert.Equal(t, Gated, he.Kind)
		assert.Equal(t, tt.status, he.Status)
		assert.Contains(t, he.Message, tt.msg)
		assert.Equal(t, "GatedRepo", he.code)
		require.Len(t, hub.Requests(), 1)
	}
	c, _ := newTestClient(t, hub.URL, func(c *Config) { c.Token = "hf_granted" })
	cfg, err := c.ConfigJSON(context.Background(), gatedID, repo.SHA)
	require.NoError(t, err)
	assert.NotEmpty(t, cfg["model_type"])
}

// Within one client, config.json, the file sizes and a GGUF header are
// asked once, whoever asks (ResolveContext and ConfigJSON share the URL),
// whatever the Hub answered (a refusal, a missing file), with Refresh and
// with NoCache too.
func TestOneRequestPerURLInARun(t *testing.T) {
	ctx := context.Background()
	hub := hubtesting.New(t)
	gated, _ := hub.Repo(gatedID)
	qwen, _ := hub.Repo("Qwen/Qwen3-0.6B")
	ggufRepo, _ := hub.Repo("Qwen/Qwen2.5-0.5B-Instruct-GGUF")
	calls := map[string]func(c *Client) error{
		"gated config.json": func(c *Client) error {
			_, err := c.ConfigJSON(ctx, gatedID, gated.SHA)
			if !IsKind(err, Gated) {
				return errors.New("not gated: " + errString(err))
			}
			m, err := c.ResolveContext(ctx, compat.Model{ID: gatedID, SHA: gated.SHA})
			if err != nil || m.ContextLength.Known() {
				return errors.New("resolve: " + errString(err))
			}
			return nil
		},
		"missing config.json at main": func(c *Client) error {
			_, err := c.ConfigJSON(ctx, "Qwen/Qwen2.5-0.5B-Instruct-GGUF", "main")
			if !IsKind(err, NotFound) {
				return errors.New("not missing: " + errString(err))
			}
			return nil
		},
		"config.json": func(c *Client) error {
			if _, err := c.ConfigJSON(ctx, qwen.ID, qwen.SHA); err != nil {
				return err
			}
			_, err := c.ResolveContext(ctx, compat.Model{ID: qwen.ID, SHA: qwen.SHA})
			return err
		},
		"file sizes": func(c *Client) error { _, err := c.Files(ctx, qwen.ID, qwen.SHA); return err },
		"GGUF header": func(c *Client) error {
			_, _, err := c.GGUFInfo(ctx, ggufRepo.ID, ggufRepo.SHA, "qwen2.5-0.5b-instruct-q8_0.gguf")
			return err
		},
	}
	modes := map[string]func(*Config){
		"cache":    func(c *Config) { c.Cache = newMemCache() },
		"refresh":  func(c *Config) { c.Cache, c.Refresh = newMemCache(), true },
		"no cache": func(c *Config) { c.Cache, c.NoCache = newMemCache(), true },
		"anon":     func(c *Config) { c.Token = "" },
	}
	for name, call := range calls {
		for mode, mod := range modes {
			t.Run(name+"/"+mode, func(t *testing.T) {
				c, _ := newTestClient(t, hub.URL, mod, patient)
				before := c.Requests()
				hub.ResetRequests()
				require.NoError(t, call(c))
				first := hub.Requests()
				require.NotEmpty(t, first)
				// Two callers at once, then one more: no new request.
				var wg sync.WaitGroup
				errs := make([]error, 3)
				for i := range 2 {
					wg.Go(func() { errs[i] = call(c) })
				}
				wg.Wait()
				errs[2] = call(c)
				for _, err := range errs {
					require.NoError(t, err)
				}
				assert.Equal(t, len(first), len(hub.Requests()), "asked once: %v", paths(hub.Requests()))
				assert.EqualValues(t, len(hub.Requests()), c.Requests()-before, "the count is the Hub's")
				seen := map[string]bool{}
				for _, r := range hub.Requests() {
					if r.Route == hubtest.RouteFiles {
						continue // chunks of one file: distinct ranges
					}
					u := r.Path + "?" + r.RawQuery
					assert.False(t, seen[u], "%s asked twice", u)
					seen[u] = true
				}
			})
		}
	}
}

// Concurrent first callers of one config.json, by either function, share
// one request: the in-flight de-duplication covers the fit's requests.
func TestConcurrentConfigReadsShareOneRequest(t *testing.T) {
	hub := hubtesting.New(t)
	hub.Fail(hubtest.Fault{Route: hubtest.RouteResolve, Stall: 150 * time.Millisecond, Times: 1})
	gated, _ := hub.Repo(gatedID)
	c, _ := newTestClient(t, hub.URL, anonymous)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			if i%2 == 0 {
				_, err := c.ConfigJSON(context.Background(), gatedID, gated.SHA)
				assert.True(t, IsKind(err, Gated), "%v", err)
				return
			}
			_, err := c.ResolveContext(context.Background(), compat.Model{ID: gatedID, SHA: gated.SHA})
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	assert.Equal(t, 1, hub.Count(hubtest.RouteAny))
}

// A config.json's 401, 403 and 404 are cached an hour, keyed by whether a
// token is set (not by which): the next run gets the same *Error (kind,
// status, message, the Hub's code and request id) with no request. An
// hour later, with --refresh, or with the other token state, the Hub is
// asked again. The token never reaches the cache.
func TestConfigRefusalCachedAcrossRuns(t *testing.T) {
	ctx := context.Background()
	tests := map[string]struct {
		id, rev string
		token   string
		kind    Kind
		status  int
	}{
		"gated, anonymous":        {id: gatedID, kind: Gated, status: 401},
		"gated, not granted":      {id: gatedID, token: testToken, kind: Gated, status: 403},
		"no config.json":          {id: "Qwen/Qwen2.5-0.5B-Instruct-GGUF", token: testToken, kind: NotFound, status: 404},
		"missing repo, anonymous": {id: "nobody/nothing-here", rev: "main", kind: NotFound, status: 401},
		"missing repo, token":     {id: "nobody/nothing-here", rev: "main", token: testToken, kind: NotFound, status: 404},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			hub := hubtesting.New(t, hubtest.Options{GatedTokens: []string{"hf_granted"}})
			rev := tt.rev
			if rev == "" {
				r, ok := hub.Repo(tt.id)
				require.True(t, ok)
				rev = r.SHA
			}
			mc, clk := newMemCache(), newClock()
			run := func(mods ...func(*Config)) (*Error, int) {
				t.Helper()
				hub.ResetRequests()
				c := cachedClient(t, hub.URL, mc, clk, append([]func(*Config){func(c *Config) { c.Token = tt.token }}, mods...)...)
				_, err := c.ConfigJSON(ctx, tt.id, rev)
				var he *Error
				require.True(t, errors.As(err, &he), "%v", err)
				return he, hub.Count(hubtest.RouteAny)
			}
			live, n := run()
			require.Equal(t, 1, n)
			assert.Equal(t, tt.kind, live.Kind)
			assert.Equal(t, tt.status, live.Status)

			cached, n := run()
			assert.Zero(t, n, "the next run asks nothing")
			assert.Equal(t, live.Kind, cached.Kind)
			assert.Equal(t, live.Status, cached.Status)
			assert.Equal(t, live.Message, cached.Message)
			assert.Equal(t, live.RequestID, cached.RequestID)
			assert.Equal(t, live.code, cached.code)
			assert.Equal(t, live.Error(), cached.Error())

			// Another token of the same state is answered from the cache;
			// the other state asks.
			if tt.token != "" {
				_, n = run(func(c *Config) { c.Token = "hf_someOtherToken" })
				assert.Zero(t, n, "keyed by the token's presence, not its value")
				_, n = run(anonymous)
			} else {
				_, n = run(func(c *Config) { c.Token = testToken })
			}
			assert.Equal(t, 1, n, "a different token state asks again")

			_, n = run(func(c *Config) { c.Refresh = true })
			assert.Equal(t, 1, n, "--refresh asks again")
			clk.advance(TTLRefusal - time.Second)
			_, n = run()
			assert.Zero(t, n, "fresh for an hour")
			clk.advance(time.Second)
			again, n := run()
			assert.Equal(t, 1, n, "an hour later: asked again")
			assert.Equal(t, live.Message, again.Message)

			for k, e := range mc.m {
				assert.NotContains(t, k, testToken)
				assert.NotContains(t, string(e.Body), testToken)
				for hk, hv := range e.Header {
					assert.NotContains(t, hk+hv, testToken)
				}
			}
		})
	}
}

// Granted since: a run with --refresh gets the config.json, and from then
// on the answer, newer than the refusal, is what the cache gives.
func TestConfigRefusalThenAnswer(t *testing.T) {
	ctx := context.Background()
	hub := hubtesting.New(t, hubtest.Options{GatedTokens: []string{"hf_granted"}})
	repo, _ := hub.Repo(gatedID)
	mc, clk := newMemCache(), newClock()
	c := cachedClient(t, hub.URL, mc, clk, anonymous)
	_, err := c.ConfigJSON(ctx, gatedID, repo.SHA)
	require.True(t, IsKind(err, Gated))

	clk.advance(time.Minute)
	granted := cachedClient(t, hub.URL, mc, clk, func(c *Config) { c.Token = "hf_granted" })
	_, err = granted.ConfigJSON(ctx, gatedID, repo.SHA)
	require.NoError(t, err, "another token state asks again")
	clk.advance(time.Minute)
	hub.ResetRequests()
	_, err = cachedClient(t, hub.URL, mc, clk, func(c *Config) { c.Token = "hf_granted" }).ConfigJSON(ctx, gatedID, repo.SHA)
	require.NoError(t, err)
	assert.Zero(t, hub.Count(hubtest.RouteAny))

	// Anonymous again within the hour: the refusal stands, no request;
	// offline too.
	_, err = cachedClient(t, hub.URL, mc, clk, anonymous).ConfigJSON(ctx, gatedID, repo.SHA)
	assert.True(t, IsKind(err, Gated), "%v", err)
	_, err = cachedClient(t, hub.URL, mc, clk, anonymous, func(c *Config) { c.Offline = true }).ConfigJSON(ctx, gatedID, repo.SHA)
	assert.True(t, IsKind(err, Gated), "offline: the cached refusal, %v", err)
	assert.Zero(t, hub.Count(hubtest.RouteAny))
}

// A refused token (401 Invalid credentials) is not cached across runs: the
// key names only that a token is set, and a corrected HF_TOKEN must be
// asked with at once. The same run does not ask twice.
func TestBadTokenNotCachedAcrossRuns(t *testing.T) {
	ctx := context.Background()
	hub := hubtesting.New(t, hubtest.Options{ValidTokens: []string{"hf_good"}})
	repo, _ := hub.Repo("Qwen/Qwen3-0.6B")
	mc, clk := newMemCache(), newClock()
	c := cachedClient(t, hub.URL, mc, clk)
	for range 2 {
		_, err := c.ConfigJSON(ctx, repo.ID, repo.SHA)
		require.True(t, IsKind(err, BadToken), "%v", err)
	}
	assert.Equal(t, 1, hub.Count(hubtest.RouteAny))
	_, err := cachedClient(t, hub.URL, mc, clk, func(c *Config) { c.Token = "hf_good" }).ConfigJSON(ctx, repo.ID, repo.SHA)
	require.NoError(t, err, "the corrected token is asked with")
	assert.Equal(t, 2, hub.Count(hubtest.RouteAny))
}

// Failures to get an answer (network, timeout, 429, 5xx) are kept
// neither in the run nor in the cache: the next call asks again.
func TestTransientFailuresAskedAgain(t *testing.T) {
	ctx := context.Background()
	faults := map[string]hubtest.Fault{
		"503":     {Status: 503},
		"429":     {Status: 429, Header: map[string]string{"Retry-After": "3600"}},
		"timeout": {Stall: 5 * time.Second},
		"reset":   {Reset: true},
	}
	hub0 := hubtesting.New(t)
	qwen, _ := hub0.Repo("Qwen/Qwen3-0.6B")
	ggufRepo, _ := hub0.Repo("Qwen/Qwen2.5-0.5B-Instruct-GGUF")
	calls := map[string]struct {
		route hubtest.Route
		call  func(c *Client) error
	}{
		"config.json": {hubtest.RouteResolve, func(c *Client) error { _, err := c.ConfigJSON(ctx, qwen.ID, qwen.SHA); return err }},
		"file sizes":  {hubtest.RouteInfo, func(c *Client) error { _, err := c.Files(ctx, qwen.ID, qwen.SHA); return err }},
		"GGUF header": {hubtest.RouteFiles, func(c *Client) error {
			_, _, err := c.GGUFInfo(ctx, ggufRepo.ID, ggufRepo.SHA, "qwen2.5-0.5b-instruct-q8_0.gguf")
			return err
		}},
	}
	for cname, cc := range calls {
		for fname, f := range faults {
			t.Run(cname+"/"+fname, func(t *testing.T) {
				if cc.route == hubtest.RouteFiles && (f.Stall > 0 || f.Reset) {
					// The header is read before the fault's half body ends.
					t.Skip("a header read ends before the fault bites")
				}
				hub := hubtesting.New(t)
				f.Route = cc.route
				hub.Fail(f)
				mc := newMemCache()
				c := cachedClient(t, hub.URL, mc, newClock(), func(c *Config) { c.Timeout = 300 * time.Millisecond; c.MaxAttempts = 1 })
				require.Error(t, cc.call(c))
				assert.Zero(t, mc.len(), "nothing cached")
				hub.ResetRequests()
				require.Error(t, cc.call(c), "the fault stands")
				assert.Positive(t, hub.Count(hubtest.RouteAny), "asked again in the same run")
			})
		}
	}
}

// A cached unreadable header is the same *Error as the live one: kind,
// message, cause text, and errors.Is against the gguf sentinel.
func TestUnreadableHeaderCachedError(t *testing.T) {
	hub := hubtesting.New(t)
	hub.AddRepos(hubtest.Repo{ID: "acme/short-GGUF", Files: []string{"m-F16.gguf"},
		Sizes: map[string]int64{"m-F16.gguf": 300}, GGUFHeader: &hubtest.GGUFHeader{Preset: gguf.PresetQwen25_05B}})
	repo, _ := hub.Repo("acme/short-GGUF")
	mc, clk := newMemCache(), newClock()
	_, _, live := cachedClient(t, hub.URL, mc, clk, patient).GGUFInfo(context.Background(), repo.ID, repo.SHA, "m-F16.gguf")
	require.True(t, errors.Is(live, gguf.ErrTruncated), "%v", live)
	clk.advance(10 * 365 * 24 * time.Hour)
	hub.ResetRequests()
	for _, mod := range []func(*Config){anonymous, func(c *Config) { c.Token = "hf_other" }, func(c *Config) { c.Offline = true }} {
		_, stats, cached := cachedClient(t, hub.URL, mc, clk, mod).GGUFInfo(context.Background(), repo.ID, repo.SHA, "m-F16.gguf")
		var lh, ch *Error
		require.True(t, errors.As(live, &lh))
		require.True(t, errors.As(cached, &ch), "%v", cached)
		assert.Equal(t, lh.Kind, ch.Kind)
		assert.Equal(t, lh.Status, ch.Status)
		assert.Equal(t, lh.Message, ch.Message)
		assert.Equal(t, lh.Err.Error(), ch.Err.Error())
		assert.True(t, errors.Is(cached, gguf.ErrTruncated))
		assert.False(t, errors.Is(cached, gguf.ErrFormat))
		assert.True(t, stats.FromCache)
		assert.Zero(t, stats.Requests)
	}
	assert.Zero(t, hub.Count(hubtest.RouteAny), "forever, whoever asks, offline too")
	// --refresh reads it again.
	_, _, err := cachedClient(t, hub.URL, mc, clk, func(c *Config) { c.Refresh = true }).GGUFInfo(context.Background(), repo.ID, repo.SHA, "m-F16.gguf")
	require.Error(t, err)
	assert.Positive(t, hub.Count(hubtest.RouteAny))
}

// Requests counts every request sent: each redirect hop (the Hub's 302 to
// its file storage, a renamed repo's 307) and each retry, as the Hub's
// own log does at both origins.
func TestRequestsCountsRedirectsAndRetries(t *testing.T) {
	ctx := context.Background()
	hub := hubtesting.New(t)
	hub.Fail(hubtest.Fault{Route: hubtest.RouteResolve, Status: 503, Times: 1})
	hub.Fail(hubtest.Fault{Route: hubtest.RouteFiles, Status: 500, Times: 1})
	hub.Rename("Qwen/old-name", "Qwen/Qwen3-0.6B")
	c, sl := newTestClient(t, hub.URL, patient)
	repo, _ := hub.Repo("Qwen/Qwen2.5-0.5B-Instruct-GGUF")
	_, stats, err := c.GGUFInfo(ctx, repo.ID, repo.SHA, "qwen2.5-0.5b-instruct-q8_0.gguf")
	require.NoError(t, err)
	_, _, err = c.ModelInfo(ctx, "Qwen/old-name", "")
	require.NoError(t, err)
	assert.NotEmpty(t, sl.d, "retried")
	assert.Positive(t, hub.Count(hubtest.RouteFiles))
	assert.EqualValues(t, len(hub.Requests()), c.Requests(), "%v", paths(hub.Requests()))
	assert.Equal(t, stats.Requests, len(hub.Requests())-2, "GGUFStats counts the header read's own")
}

func paths(reqs []hubtest.Request) []string {
	out := make([]string, len(reqs))
	for i, r := range reqs {
		out[i] = r.Path
		if r.RawQuery != "" {
			out[i] += "?" + r.RawQuery
		}
		if r.Header.Get("Range") != "" {
			out[i] += " " + r.Header.Get("Range")
		}
	}
	return out
}

func errString(err error) string {
	if err == nil {
		return "no error"
	}
	return strings.TrimSpace(err.Error())
}

// A Hub that cannot be reached is asked again by the next call of the
// same run, for each of the fit's requests.
func TestUnreachableAskedAgain(t *testing.T) {
	ctx := context.Background()
	hub := hubtesting.New(t)
	qwen, _ := hub.Repo("Qwen/Qwen3-0.6B")
	ggufRepo, _ := hub.Repo("Qwen/Qwen2.5-0.5B-Instruct-GGUF")
	down := roundTripFunc(func(r *http.Request) (*http.Response, error) { return nil, errors.New("connection refused") })
	mc := newMemCache()
	c := cachedClient(t, hub.URL, mc, newClock(), func(c *Config) { c.Transport = down; c.MaxAttempts = 1 })
	calls := []func() error{
		func() error { _, err := c.ConfigJSON(ctx, qwen.ID, qwen.SHA); return err },
		func() error { _, err := c.Files(ctx, qwen.ID, qwen.SHA); return err },
		func() error {
			_, _, err := c.GGUFInfo(ctx, ggufRepo.ID, ggufRepo.SHA, "qwen2.5-0.5b-instruct-q8_0.gguf")
			return err
		},
	}
	for i, call := range calls {
		for range 2 {
			before := c.Requests()
			err := call()
			assert.True(t, IsKind(err, Network), "%d: %v", i, err)
			assert.EqualValues(t, 1, c.Requests()-before, "%d: asked again", i)
		}
	}
	assert.Zero(t, mc.len())
}

// Forget starts a new run: a refresh client asks again what it was
// refused, and sees the access granted meanwhile.
func TestForgetStartsANewRun(t *testing.T) {
	ctx := context.Background()
	hub := hubtesting.New(t, hubtest.Options{GatedTokens: []string{"hf_granted"}})
	repo, _ := hub.Repo(gatedID)
	c := cachedClient(t, hub.URL, newMemCache(), newClock(), func(c *Config) { c.Token = "hf_granted"; c.Refresh = true })
	hub.Fail(hubtest.Fault{Route: hubtest.RouteResolve, Status: 403, Header: map[string]string{"X-Error-Code": "GatedRepo"}, Times: 1})
	for range 2 {
		_, err := c.ConfigJSON(ctx, gatedID, repo.SHA)
		require.True(t, IsKind(err, Gated), "%v", err)
	}
	assert.Equal(t, 1, hub.Count(hubtest.RouteAny))
	c.Forget()
	_, err := c.ConfigJSON(ctx, gatedID, repo.SHA)
	require.NoError(t, err, "asked again, now granted")
	assert.Equal(t, 2, hub.Count(hubtest.RouteAny))
}
