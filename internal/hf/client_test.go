package hf

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest/hubtesting"
	"github.com/modelbrowser/modelbrowser/internal/query"
)

const testToken = "hf_TestTokenDoNotLeak123"

// sleeps records the waits a client asked for instead of sleeping.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.d)
}

// newTestClient builds a client against a fake Hub, with a token, no real
// sleeps and a fixed jitter.
func newTestClient(t *testing.T, endpoint string, mods ...func(*Config)) (*Client, *sleeps) {
	t.Helper()
	sl := &sleeps{}
	cfg := Config{Endpoint: endpoint, Token: testToken, Version: "test", Timeout: 2 * time.Second,
		Sleep: sl.sleep, Rand: func() float64 { return 0.5 }}
	for _, m := range mods {
		m(&cfg)
	}
	c, err := New(cfg)
	require.NoError(t, err)
	return c, sl
}

func anonymous(c *Config) { c.Token = "" }

// assertHubRequests checks what every request to the fake Hub carried.
func assertHubRequests(t *testing.T, reqs []hubtest.Request, token string) {
	t.Helper()
	for _, r := range reqs {
		assert.Equal(t, "modelbrowser/test (+Go)", r.Header.Get("User-Agent"), r.Path)
		if token == "" {
			assert.Empty(t, r.Header.Get("Authorization"), r.Path)
		} else {
			assert.Equal(t, "Bearer "+token, r.Header.Get("Authorization"), r.Path)
		}
	}
}

// listAll reads the pages of a listing one at a time until stop (given
// every model so far) says enough, the last page, or an error; what was
// read before an error is returned with it. A nil stop reads every page.
func listAll(c *Client, opts ListOptions, stop func(got []compat.Model) bool) ([]compat.Model, error) {
	all := []compat.Model{}
	for p, err := range c.Pages(context.Background(), opts, 0) {
		all = append(all, p.Models...)
		if err != nil {
			return all, err
		}
		if stop != nil && stop(all) {
			break
		}
	}
	return all, nil
}

func TestPagesOfSeven(t *testing.T) {
	hub := hubtesting.New(t, hubtest.Options{PageSize: 7, NoFixtures: true, Synthetic: 30})
	hub.Expect("GET", "/api/models")
	c, _ := newTestClient(t, hub.URL)

	models, err := listAll(c, ListOptions{Query: query.Query{Sort: "downloads"}}, nil)
	require.NoError(t, err)
	require.Len(t, models, 30)
	ids := map[string]bool{}
	for _, m := range models {
		ids[m.ID] = true
		assert.True(t, m.Architecture.Known() || m.ID == "", m.ID)
	}
	assert.Len(t, ids, 30, "no model twice")
	assert.True(t, slices.IsSortedFunc(models, func(a, b compat.Model) int { return int(b.Downloads - a.Downloads) }))

	assert.Equal(t, 5, hub.Count(hubtest.RouteList))
	assert.Equal(t, 0, hub.Count(hubtest.RouteInfo), "no per-model request")
	assert.Equal(t, 0, hub.Count(hubtest.RouteResolve))
	reqs := hub.Requests()
	assertHubRequests(t, reqs, testToken)
	for i, r := range reqs {
		assert.Equal(t, "/api/models", r.Path)
		assert.ElementsMatch(t, ListExpand, r.Query["expand[]"], "one request brings every fact")
		assert.Equal(t, "downloads", r.Query.Get("sort"))
		assert.Equal(t, "50", r.Query.Get("limit"))
		assert.Equal(t, i > 0, r.Query.Has("cursor"), "page %d", i+1)
	}
}

func TestListQuery(t *testing.T) {
	hub := hubtesting.New(t)
	c, _ := newTestClient(t, hub.URL)
	p, err := c.ListPage(context.Background(), ListOptions{Query: query.Query{Text: "LLAMA", Author: "meta-llama", Filters: []string{"safetensors", "text-generation"}, Sort: "trending"}, Limit: 5}, "")
	require.NoError(t, err)
	require.Len(t, p.Models, 2)
	assert.Equal(t, "meta-llama/Llama-3.1-8B-Instruct", p.Models[0].ID, "trendingScore order")
	assert.Empty(t, p.Next)
	assert.NotEmpty(t, p.Meta.RequestID)
	q := hub.Requests()[0].Query
	assert.Equal(t, "LLAMA", q.Get("search"))
	assert.Equal(t, "meta-llama", q.Get("author"))
	assert.Equal(t, []string{"safetensors", "text-generation"}, q["filter"])
	assert.Equal(t, "trendingScore", q.Get("sort"))
	assert.Equal(t, "5", q.Get("limit"))

	_, err = c.ListPage(context.Background(), ListOptions{Limit: -1}, "")
	assert.True(t, IsKind(err, Invalid))
}

func TestListQuerySort(t *testing.T) {
	tests := map[string]struct {
		sort, param string
	}{
		"none: the Hub's order": {"", ""},
		"downloads":             {"downloads", "downloads"},
		"likes":                 {"likes", "likes"},
		"trending":              {"trending", "trendingScore"},
		"updated":               {"updated", "lastModified"},
		"created":               {"created", "createdAt"},
		"any case":              {"Downloads", "downloads"},
		"the Hub's name":        {"trendingScore", "trendingScore"},
		"the Hub's, lower case": {"lastmodified", "lastModified"},
		"spaces":                {" created ", "createdAt"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			q, err := ListOptions{Query: query.Query{Sort: tc.sort}}.Values()
			require.NoError(t, err)
			assert.Equal(t, tc.param, q.Get("sort"))
			assert.Equal(t, tc.param != "", q.Has("sort"))
		})
	}
	// Every order of the one table is accepted; a local one (ordered by
	// the caller) asks the Hub for its default order.
	for _, s := range query.Sorts {
		q, err := ListOptions{Query: query.Query{Sort: s.Name}}.Values()
		require.NoError(t, err, s.Name)
		want := s.Param
		if s.Local {
			want = "downloads"
		}
		assert.Equal(t, want, q.Get("sort"), s.Name)
	}
	_, err := ListOptions{Query: query.Query{Sort: "random\x1b[31m"}}.Values()
	require.True(t, IsKind(err, Invalid), "%v", err)
	assert.Contains(t, err.Error(), "use downloads, likes, trending, updated, created")
	assert.NotContains(t, err.Error(), "\x1b")
}

func TestListStopCondition(t *testing.T) {
	hub := hubtesting.New(t, hubtest.Options{PageSize: 7, NoFixtures: true, Synthetic: 30})
	c, _ := newTestClient(t, hub.URL)
	models, err := listAll(c, ListOptions{}, func(got []compat.Model) bool { return len(got) >= 10 })
	require.NoError(t, err)
	assert.Len(t, models, 14)
	assert.Equal(t, 2, hub.Count(hubtest.RouteList))
}

func TestListBrokenPaging(t *testing.T) {
	tests := map[string]struct {
		fault    hubtest.Fault
		models   int
		requests int
		kind     Kind
		msg      string
	}{
		"next link loops":      {hubtest.Fault{Route: hubtest.RouteList, Page: 2, LoopNext: true}, 14, 2, BadResponse, "points back to a page already read"},
		"first page loops":     {hubtest.Fault{Route: hubtest.RouteList, Page: 1, LoopNext: true}, 7, 1, BadResponse, "points back"},
		"garbage link":         {hubtest.Fault{Route: hubtest.RouteList, Page: 1, GarbageLink: true}, 7, 1, BadResponse, "does not parse"},
		"next on another host": {hubtest.Fault{Route: hubtest.RouteList, Page: 2, NextLink: "https://evil.example/api/models?cursor=x"}, 14, 2, Invalid, "another host (evil.example)"},
		"page 3 fails":         {hubtest.Fault{Route: hubtest.RouteList, Page: 3, Status: 500}, 14, 2 + 3, Unavailable, "unavailable"},
		"page 2 rate limited":  {hubtest.Fault{Route: hubtest.RouteList, Page: 2, Status: 429, Header: map[string]string{"RateLimit": `"api";r=0;t=120`}}, 7, 2, RateLimited, "rate limit"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			hub := hubtesting.New(t, hubtest.Options{PageSize: 7, NoFixtures: true, Synthetic: 30})
			hub.Fail(tc.fault)
			c, _ := newTestClient(t, hub.URL)
			models, err := listAll(c, ListOptions{}, nil)
			require.Error(t, err)
			assert.True(t, IsKind(err, tc.kind), "%v", err)
			assert.Contains(t, err.Error(), tc.msg)
			assert.Len(t, models, tc.models, "what was read is kept")
			assert.Equal(t, tc.requests, hub.Count(hubtest.RouteAny))
			assert.NotContains(t, err.Error(), testToken)
		})
	}
}

func TestListPageRefusesForeignNext(t *testing.T) {
	hub := hubtesting.New(t)
	c, _ := newTestClient(t, hub.URL)
	for _, next := range []string{"https://evil.example/api/models", "http://evil.example:80/api/models?cursor=1", "ftp://x/y", "<garbage>"} {
		_, err := c.ListPage(context.Background(), ListOptions{}, next)
		require.Error(t, err, next)
	}
	assert.Equal(t, 0, hub.Count(hubtest.RouteAny))
	// A next link on the endpoint is followed verbatim.
	_, err := c.ListPage(context.Background(), ListOptions{}, hub.URL+"/api/models?limit=2&search=qwen&expand[]=tags")
	require.NoError(t, err)
	assert.Equal(t, "limit=2&search=qwen&expand[]=tags", hub.Requests()[0].RawQuery)
}

func TestNextLink(t *testing.T) {
	tests := map[string]struct {
		in   []string
		want string
		ok   bool
	}{
		"hub":          {[]string{`<https://huggingface.co/api/models?limit=10&cursor=eyJ9%3D>; rel="next"`}, "https://huggingface.co/api/models?limit=10&cursor=eyJ9%3D", true},
		"unquoted":     {[]string{`<https://h/a>; rel=next`}, "https://h/a", true},
		"several":      {[]string{`<https://h/p>; rel="prev", <https://h/n>; rel="next"`}, "https://h/n", true},
		"two headers":  {[]string{`<https://h/p>; rel="prev"`, `<https://h/n>; rel="next last"`}, "https://h/n", true},
		"no next":      {[]string{`<https://h/p>; rel="prev"`}, "", false},
		"none":         {nil, "", false},
		"garbage":      {[]string{`garbage`}, "", false},
		"unterminated": {[]string{`<https://h/n; rel="next"`}, "", false},
		"empty target": {[]string{`<>; rel="next"`}, "", true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, ok := nextLink(tc.in)
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestModelInfoRename(t *testing.T) {
	hub := hubtesting.New(t)
	hub.Expect("GET", "/api/models/bert-base-uncased")
	hub.Expect("GET", "/api/models/google-bert/bert-base-uncased")
	c, _ := newTestClient(t, hub.URL)
	m, meta, err := c.ModelInfo(context.Background(), "bert-base-uncased", "")
	require.NoError(t, err)
	assert.Equal(t, "google-bert/bert-base-uncased", m.ID)
	assert.Equal(t, "bert", m.Architecture.Value)
	assert.NotEmpty(t, meta.RequestID)
	reqs := hub.Requests()
	require.Len(t, reqs, 2)
	assertHubRequests(t, reqs, testToken) // same host: the token follows
	assert.ElementsMatch(t, ListExpand, reqs[1].Query["expand[]"], "the redirect keeps the query")
}

func TestModelInfoRevisionEscaped(t *testing.T) {
	hub := hubtesting.New(t)
	c, _ := newTestClient(t, hub.URL)
	repo, _ := hub.Repo("Qwen/Qwen3-0.6B")
	m, _, err := c.ModelInfo(context.Background(), "Qwen/Qwen3-0.6B", repo.SHA)
	require.NoError(t, err)
	assert.Equal(t, repo.SHA, m.SHA)

	_, _, err = c.ModelInfo(context.Background(), "Qwen/Qwen3-0.6B", "refs/pr/1")
	require.Error(t, err)
	assert.True(t, IsKind(err, NotFound))
	assert.Contains(t, err.Error(), "revision")
	reqs := hub.Requests()
	assert.Equal(t, "/api/models/Qwen/Qwen3-0.6B/revision/"+repo.SHA, reqs[0].RawPath)
	assert.Equal(t, "/api/models/Qwen/Qwen3-0.6B/revision/refs%2Fpr%2F1", reqs[1].RawPath)
}

func TestModelInfoRefusesBadIDsWithoutRequest(t *testing.T) {
	hub := hubtesting.New(t)
	c, _ := newTestClient(t, hub.URL)
	for _, id := range []string{"../../etc/passwd", "a/b/c", "", "%2e%2e/x"} {
		_, _, err := c.ModelInfo(context.Background(), id, "")
		assert.True(t, IsKind(err, Invalid), id)
	}
	_, _, err := c.ModelInfo(context.Background(), "gpt2", "main\n")
	assert.True(t, IsKind(err, Invalid))
	assert.Equal(t, 0, hub.Count(hubtest.RouteAny))
}

func TestResolveContext(t *testing.T) {
	hub := hubtesting.New(t, hubtest.Options{GatedTokens: []string{"hf_granted"}})
	ctx := context.Background()
	info := func(c *Client, id string) compat.Model {
		m, _, err := c.ModelInfo(ctx, id, "")
		require.NoError(t, err)
		return m
	}
	anon, _ := newTestClient(t, hub.URL, anonymous)
	granted, _ := newTestClient(t, hub.URL, func(c *Config) { c.Token = "hf_granted" })
	denied, _ := newTestClient(t, hub.URL)

	tests := map[string]struct {
		c      *Client
		id     string
		ctx    int64
		src    string
		status int // of the resolve request; 0 = no request
	}{
		"public":                 {anon, "Qwen/Qwen3-0.6B", 40960, cfgMPE, 200},
		"nested text_config":     {granted, "google/gemma-3-4b-it", 131072, "config.json:text_config.max_position_embeddings", 200},
		"gpt2 n_positions":       {anon, "openai-community/gpt2", 1024, "config.json:n_positions", 200},
		"gated, anonymous":       {anon, "meta-llama/Llama-3.1-8B-Instruct", 0, "", 401},
		"gated, not authorised":  {denied, "meta-llama/Llama-3.1-8B-Instruct", 0, "", 403},
		"gated, authorised":      {granted, "meta-llama/Llama-3.1-8B-Instruct", 131072, cfgMPE, 200},
		"no config.json":         {anon, "stabilityai/stable-diffusion-2-1", 0, "", 404},
		"gguf context, no fetch": {anon, "ggml-org/gemma-3-1b-it-GGUF", 32768, gctx, 0},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			m := info(tc.c, tc.id)
			hub.ResetRequests()
			got, err := tc.c.ResolveContext(ctx, m)
			require.NoError(t, err)
			assert.Equal(t, tc.ctx, got.ContextLength.Value)
			assert.Equal(t, tc.src, got.ContextLength.Source)
			reqs := hub.Requests()
			if tc.status == 0 {
				assert.Empty(t, reqs)
				return
			}
			require.Len(t, reqs, 1)
			assert.Equal(t, "/"+tc.id+"/resolve/"+m.SHA+"/config.json", reqs[0].Path, "pinned to the listed commit")
		})
	}

	// Without a sha the branch is read.
	hub.ResetRequests()
	_, err := anon.ResolveContext(ctx, compat.Model{ID: "Qwen/Qwen3-0.6B"})
	require.NoError(t, err)
	assert.Equal(t, "/Qwen/Qwen3-0.6B/resolve/main/config.json", hub.Requests()[0].Path)
}

// countingTransport measures the concurrency of requests.
type countingTransport struct {
	inflight, max atomic.Int32
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	n := c.inflight.Add(1)
	defer c.inflight.Add(-1)
	for {
		m := c.max.Load()
		if n <= m || c.max.CompareAndSwap(m, n) {
			break
		}
	}
	time.Sleep(5 * time.Millisecond)
	return http.DefaultTransport.RoundTrip(r)
}

func TestResolveContextsBoundedAndOrdered(t *testing.T) {
	hub := hubtesting.New(t, hubtest.Options{PageSize: 100})
	ct := &countingTransport{}
	c, _ := newTestClient(t, hub.URL, anonymous, func(c *Config) { c.Transport = ct })
	p, err := c.ListPage(context.Background(), ListOptions{Limit: 100}, "")
	require.NoError(t, err)
	need := 0
	for _, m := range p.Models {
		if compat.NeedsConfigJSON(m) {
			need++
		}
	}
	require.Greater(t, need, 10)
	hub.ResetRequests()
	ct.max.Store(0)

	out := c.ResolveContexts(context.Background(), p.Models, 3)
	require.Len(t, out, len(p.Models))
	for i := range out {
		assert.Equal(t, p.Models[i].ID, out[i].ID, "order kept")
	}
	assert.Equal(t, need, hub.Count(hubtest.RouteResolve))
	assert.Equal(t, 0, hub.Count(hubtest.RouteInfo))
	assert.LessOrEqual(t, ct.max.Load(), int32(3))
	assert.Greater(t, ct.max.Load(), int32(1))
	byID := map[string]compat.Model{}
	for _, m := range out {
		byID[m.ID] = m
	}
	assert.EqualValues(t, 40960, byID["Qwen/Qwen3-0.6B"].ContextLength.Value)
	assert.False(t, byID["meta-llama/Llama-3.1-8B-Instruct"].ContextLength.Known(), "gated: unknown, no error")
}

func TestNewValidates(t *testing.T) {
	_, err := New(Config{Endpoint: "not a url"})
	assert.ErrorContains(t, err, "HF_ENDPOINT")
	_, err = New(Config{Token: "hf bad"})
	assert.Error(t, err)
	c, err := New(Config{})
	require.NoError(t, err)
	assert.Equal(t, DefaultEndpoint, c.Endpoint())
	assert.False(t, strings.Contains(c.String(), "hf_"))
}
