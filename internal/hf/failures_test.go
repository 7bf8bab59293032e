package hf

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest/hubtesting"
)

func TestErrorMapping(t *testing.T) {
	tests := map[string]struct {
		id       string
		anon     bool
		opts     hubtest.Options
		fault    *hubtest.Fault
		kind     Kind
		status   int
		requests int
		msg      string
		wait     time.Duration
	}{
		"unknown repo, anonymous": {id: "nobody/nothing", anon: true, kind: NotFound, status: 401, requests: 1, msg: "or private"},
		"unknown repo, token":     {id: "nobody/nothing", kind: NotFound, status: 404, requests: 1, msg: "not found"},
		"bad token":               {id: "openai-community/gpt2", opts: hubtest.Options{ValidTokens: []string{"hf_other"}}, kind: BadToken, status: 401, requests: 1, msg: "check HF_TOKEN"},
		"gated 403":               {id: "openai-community/gpt2", fault: &hubtest.Fault{Route: hubtest.RouteInfo, Status: 403, Header: map[string]string{"X-Error-Code": "GatedRepo"}}, kind: Gated, status: 403, requests: 1, msg: "authorized list"},
		"404":                     {id: "openai-community/gpt2", fault: &hubtest.Fault{Route: hubtest.RouteInfo, Status: 404}, kind: NotFound, status: 404, requests: 1},
		"400":                     {id: "openai-community/gpt2", fault: &hubtest.Fault{Route: hubtest.RouteInfo, Status: 400, Body: `{"error":"bad expand"}`}, kind: BadResponse, status: 400, requests: 1, msg: "bad expand"},
		"429 long wait":           {id: "openai-community/gpt2", fault: &hubtest.Fault{Route: hubtest.RouteInfo, Status: 429, Header: map[string]string{"RateLimit": "", "Retry-After": "3600"}}, kind: RateLimited, status: 429, requests: 1, wait: time.Hour},
		"429 ratelimit header":    {id: "openai-community/gpt2", fault: &hubtest.Fault{Route: hubtest.RouteInfo, Status: 429}, kind: RateLimited, status: 429, requests: 1, wait: 55 * time.Second},
		"429 absurd":              {id: "openai-community/gpt2", fault: &hubtest.Fault{Route: hubtest.RouteInfo, Status: 429, Header: map[string]string{"RateLimit": `"api";r=0;t=99999999999`}}, kind: RateLimited, status: 429, requests: 1, wait: MaxRetryAfter},
		"500 html":                {id: "openai-community/gpt2", fault: &hubtest.Fault{Route: hubtest.RouteInfo, Status: 500}, kind: Unavailable, status: 500, requests: 3},
		"502":                     {id: "openai-community/gpt2", fault: &hubtest.Fault{Route: hubtest.RouteInfo, Status: 502}, kind: Unavailable, status: 502, requests: 3},
		"503":                     {id: "openai-community/gpt2", fault: &hubtest.Fault{Route: hubtest.RouteInfo, Status: 503}, kind: Unavailable, status: 503, requests: 3},
		"504":                     {id: "openai-community/gpt2", fault: &hubtest.Fault{Route: hubtest.RouteInfo, Status: 504}, kind: Unavailable, status: 504, requests: 3},
		"408":                     {id: "openai-community/gpt2", fault: &hubtest.Fault{Route: hubtest.RouteInfo, Status: 408}, kind: Timeout, status: 408, requests: 3},
		"501 not retried":         {id: "openai-community/gpt2", fault: &hubtest.Fault{Route: hubtest.RouteInfo, Status: 501}, kind: Unavailable, status: 501, requests: 1},
		"401 not retried":         {id: "openai-community/gpt2", fault: &hubtest.Fault{Route: hubtest.RouteInfo, Status: 401}, kind: NotFound, status: 401, requests: 1},
		"server echoes the token": {id: "openai-community/gpt2", fault: &hubtest.Fault{Route: hubtest.RouteInfo, Status: 400, Body: `{"error":"token ` + testToken + ` is odd"}`, Header: map[string]string{"X-Error-Message": "bad " + testToken}}, kind: BadResponse, status: 400, requests: 1, msg: "[token]"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			hub := hubtesting.New(t, tc.opts)
			if tc.fault != nil {
				hub.Fail(*tc.fault)
			}
			mods := []func(*Config){}
			if tc.anon {
				mods = append(mods, anonymous)
			}
			c, _ := newTestClient(t, hub.URL, mods...)
			_, _, err := c.ModelInfo(context.Background(), tc.id, "")
			require.Error(t, err)
			var he *Error
			require.ErrorAs(t, err, &he)
			assert.Equal(t, tc.kind, he.Kind, "%v", err)
			assert.Equal(t, tc.status, he.Status)
			assert.Equal(t, tc.wait, he.RetryAfter)
			assert.NotEmpty(t, he.RequestID)
			assert.Contains(t, err.Error(), "request id "+he.RequestID)
			assert.Contains(t, err.Error(), tc.msg)
			assert.NotContains(t, err.Error(), testToken)
			assert.NotContains(t, err.Error(), "<")
			assert.NotContains(t, err.Error(), "\n")
			assert.Equal(t, tc.requests, hub.Count(hubtest.RouteAny))
		})
	}
}

func TestRetryAfterWaitedOut(t *testing.T) {
	tests := map[string]struct {
		header map[string]string
		want   time.Duration
	}{
		"Retry-After seconds": {map[string]string{"RateLimit": "", "Retry-After": "1"}, time.Second},
		"RateLimit t":         {map[string]string{"RateLimit": `"api";r=0;t=2`, "Retry-After": "7"}, 2 * time.Second},
		"no hint: backoff":    {map[string]string{"RateLimit": ""}, 375 * time.Millisecond},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			hub := hubtesting.New(t)
			hub.Fail(hubtest.Fault{Route: hubtest.RouteInfo, Status: 429, Times: 1, Header: tc.header})
			c, sl := newTestClient(t, hub.URL)
			m, _, err := c.ModelInfo(context.Background(), "openai-community/gpt2", "")
			require.NoError(t, err)
			assert.Equal(t, "openai-community/gpt2", m.ID)
			assert.Equal(t, []time.Duration{tc.want}, sl.all())
			assert.Equal(t, 2, hub.Count(hubtest.RouteInfo))
		})
	}
}

func TestBackoffIsJitteredExponential(t *testing.T) {
	hub := hubtesting.New(t)
	hub.Fail(hubtest.Fault{Route: hubtest.RouteInfo, Status: 503})
	r := []float64{0, 0.99}
	i := 0
	c, sl := newTestClient(t, hub.URL, func(c *Config) { c.Rand = func() float64 { v := r[i%2]; i++; return v } })
	_, _, err := c.ModelInfo(context.Background(), "openai-community/gpt2", "")
	require.True(t, IsKind(err, Unavailable))
	got := sl.all()
	require.Len(t, got, 2)
	assert.Equal(t, 250*time.Millisecond, got[0])
	assert.InDelta(t, float64(995*time.Millisecond), float64(got[1]), float64(time.Millisecond))
}

func TestBodyFaults(t *testing.T) {
	tests := map[string]struct {
		fault    hubtest.Fault
		mod      func(*Config)
		ok       bool
		kind     Kind
		msg      string
		requests int
	}{
		"truncated once, retried": {fault: hubtest.Fault{Route: hubtest.RouteInfo, Truncate: true, Times: 1}, ok: true, requests: 2},
		"truncated always":        {fault: hubtest.Fault{Route: hubtest.RouteInfo, Truncate: true}, kind: BadResponse, msg: "cut short", requests: 3},
		"reset mid-body":          {fault: hubtest.Fault{Route: hubtest.RouteInfo, Reset: true}, kind: Network, msg: "broke", requests: 3},
		"stalled body":            {fault: hubtest.Fault{Route: hubtest.RouteInfo, Stall: 5 * time.Second}, mod: func(c *Config) { c.Timeout = 150 * time.Millisecond }, kind: Timeout, msg: "stalled", requests: 3},
		"oversized":               {mod: func(c *Config) { c.MaxBodyBytes = 1000 }, kind: BadResponse, msg: "larger than", requests: 1},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			hub := hubtesting.New(t)
			hub.Fail(tc.fault)
			mods := []func(*Config){}
			if tc.mod != nil {
				mods = append(mods, tc.mod)
			}
			c, _ := newTestClient(t, hub.URL, mods...)
			m, _, err := c.ModelInfo(context.Background(), "meta-llama/Llama-3.1-8B-Instruct", "")
			assert.Equal(t, tc.requests, hub.Count(hubtest.RouteAny))
			if tc.ok {
				require.NoError(t, err)
				assert.Equal(t, "llama", m.Architecture.Value)
				return
			}
			require.Error(t, err)
			assert.True(t, IsKind(err, tc.kind), "%v", err)
			assert.Contains(t, err.Error(), tc.msg)
			assert.NotContains(t, err.Error(), testToken)
		})
	}
}

func TestNetworkRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	c, sl := newTestClient(t, "http://"+addr)
	_, _, err = c.ModelInfo(context.Background(), "gpt2", "")
	require.Error(t, err)
	assert.True(t, IsKind(err, Network), "%v", err)
	assert.Contains(t, err.Error(), "refused")
	assert.Len(t, sl.all(), 2, "retried")
}

func TestContextCancelled(t *testing.T) {
	hub := hubtesting.New(t)
	c, _ := newTestClient(t, hub.URL)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := c.ModelInfo(ctx, "gpt2", "")
	assert.ErrorIs(t, err, context.Canceled)
}

func TestTokenNeverCrossesHosts(t *testing.T) {
	var mu sync.Mutex
	var seen []http.Header
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Clone())
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write(hubtest.ModelJSON(hubtest.Repo{ID: "elsewhere/model", ModelType: "llama"}))
	}))
	defer other.Close()

	hub := hubtesting.New(t)
	// A redirect to a subdomain-like or any other host must not carry it
	// either: other is 127.0.0.1 on another port, hub is 127.0.0.1 too.
	hub.Fail(hubtest.Fault{Route: hubtest.RouteInfo, RedirectTo: other.URL + "/api/models/elsewhere/model"})
	c, _ := newTestClient(t, hub.URL)
	m, _, err := c.ModelInfo(context.Background(), "openai-community/gpt2", "")
	require.NoError(t, err)
	assert.Equal(t, "elsewhere/model", m.ID)
	assertHubRequests(t, hub.Requests(), testToken)
	require.Len(t, seen, 1)
	assert.Empty(t, seen[0].Get("Authorization"), "token sent to another host")
	assert.Equal(t, "modelbrowser/test (+Go)", seen[0].Get("User-Agent"))
}
