package main

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest/hubtesting"
)

// newFront starts a server in front of the fake Hub: handle answers the
// requests it wants (returning true); the others go through to the Hub,
// with their Host kept so the Hub's next links point at the front.
func newFront(t *testing.T, hub *hubtest.Server, handle func(w http.ResponseWriter, r *http.Request) bool) *httptest.Server {
	t.Helper()
	return newFrontWrapped(t, hub, func(proxy http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !handle(w, r) {
				proxy.ServeHTTP(w, r)
			}
		})
	})
}

// newFrontWrapped is a front whose handler is wrap(the proxy to the Hub);
// a nil wrap passes everything through.
func newFrontWrapped(t *testing.T, hub *hubtest.Server, wrap func(http.Handler) http.Handler) *httptest.Server {
	t.Helper()
	target, err := url.Parse(hub.URL)
	require.NoError(t, err)
	var h http.Handler = httputil.NewSingleHostReverseProxy(target)
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// closedPort is a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// noNetworkLine is the line after an error that says the Hub cannot be
// reached (DNS failure, connection refused).
const noNetworkLine = "modelbrowser: try --demo to see the program without a network, --offline for what is cached, or set HF_ENDPOINT for a mirror\n"

// Every way the network fails gives one clear line and exit 2, within the
// timeout and its retries, on a cold cache; a Hub that cannot be reached
// adds a line saying what to do next.
func TestBinaryNetworkFaults(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		setup    func(t *testing.T, b *binHarness)
		msgs     []string
		requests int // at the fake Hub (-1: none reach it)
	}{
		"connection refused": {
			setup:    func(t *testing.T, b *binHarness) { b.vars["HF_ENDPOINT"] = "http://" + closedPort(t) },
			msgs:     []string{"cannot reach 127.0.0.1:", "refused"},
			requests: -1,
		},
		"DNS failure": {
			setup: func(t *testing.T, b *binHarness) { b.vars["HF_ENDPOINT"] = "https://modelbrowser-test.invalid" },
			// "cannot resolve" where a resolver answers, a timeout where none does.
			msgs:     []string{"modelbrowser-test.invalid"},
			requests: -1,
		},
		"connect timeout": {
			setup: func(t *testing.T, b *binHarness) {
				b.vars["HF_ENDPOINT"] = "http://" + hubtesting.UnacceptingListener(t)
				b.vars["HF_HUB_ETAG_TIMEOUT"] = "0.3"
			},
			msgs:     []string{"did not answer within 300ms (HF_HUB_ETAG_TIMEOUT)"},
			requests: -1,
		},
		"header timeout": {
			setup: func(t *testing.T, b *binHarness) {
				var n atomic.Int32
				front := newFront(t, b.hub, func(w http.ResponseWriter, r *http.Request) bool {
					n.Add(1)
					<-r.Context().Done() // never a status line
					return true
				})
				t.Cleanup(func() { assert.EqualValues(t, 3, n.Load(), "retried") })
				b.vars["HF_ENDPOINT"] = front.URL
				b.vars["HF_HUB_ETAG_TIMEOUT"] = "0.3"
			},
			msgs:     []string{"did not answer within 300ms"},
			requests: 0,
		},
		"stalled body": {
			setup: func(t *testing.T, b *binHarness) {
				b.hub.Fail(hubtest.Fault{Route: hubtest.RouteInfo, Stall: time.Minute})
				b.vars["HF_HUB_ETAG_TIMEOUT"] = "0.3"
			},
			msgs:     []string{"stalled while sending its answer (timeout 300ms)"},
			requests: 3,
		},
		"connection reset mid-body": {
			setup:    func(t *testing.T, b *binHarness) { b.hub.Fail(hubtest.Fault{Route: hubtest.RouteInfo, Reset: true}) },
			msgs:     []string{"broke while reading"},
			requests: 3,
		},
		"truncated body, longer Content-Length": {
			setup:    func(t *testing.T, b *binHarness) { b.hub.Fail(hubtest.Fault{Route: hubtest.RouteInfo, Truncate: true}) },
			msgs:     []string{"cut short"},
			requests: 3,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := newBin(t)
			tc.setup(t, b)
			r := b.run("check", "openai-community/gpt2")
			if first, next, two := strings.Cut(r.stderr, "\n"+noNetworkLine); two {
				// A Hub that cannot be reached: the error, then what to do.
				require.Empty(t, next, "%s", r)
				r.stderr = first + "\n"
			} else {
				assert.NotContains(t, []string{"connection refused"}, name, "refused says what to do next: %s", r)
				assert.NotContains(t, r.stderr, "cannot resolve", "a DNS failure says what to do next: %s", r)
			}
			requireOneLineError(t, r)
			assert.False(t, strings.HasPrefix(r.stderr, "modelbrowser: hf:"), "no package names: %s", r)
			for _, m := range tc.msgs {
				assert.Contains(t, r.stderr, m, "%s", r)
			}
			assert.NotContains(t, r.stderr, binToken)
			assert.Less(t, r.elapsed, 10*time.Second, "bounded by the timeout and the retries")
			if tc.requests >= 0 {
				assert.Equal(t, tc.requests, b.hub.Count(hubtest.RouteAny), "%s", r)
			}
		})
	}
}

// When the Hub fails after a first visit, the cached answer is served,
// however old, with one line saying so: the tool keeps working.
func TestBinaryStaleAnswerWhenHubFails(t *testing.T) {
	t.Parallel()
	faults := map[string]hubtest.Fault{
		"500":            {Route: hubtest.RouteInfo, Status: 500},
		"429":            {Route: hubtest.RouteInfo, Status: 429},
		"reset mid-body": {Route: hubtest.RouteInfo, Reset: true},
		"stalled body":   {Route: hubtest.RouteInfo, Stall: time.Minute},
		"truncated":      {Route: hubtest.RouteInfo, Truncate: true},
	}
	for name, f := range faults {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := newBin(t)
			b.vars["HF_HUB_ETAG_TIMEOUT"] = "0.3"
			warm := b.run("check", "openai-community/gpt2", "--json")
			require.Equal(t, exitNegative, warm.code, "%s", warm)
			// The repo changes (a new ETag), so revalidating gets a whole
			// answer for the fault to break, not an empty 304.
			repo, ok := b.hub.Repo("openai-community/gpt2")
			require.True(t, ok)
			repo.Likes++
			b.hub.AddRepos(repo)
			b.hub.Fail(f)
			r := b.run("check", "openai-community/gpt2", "--json", "--refresh")
			require.Equal(t, exitNegative, r.code, "%s", r)
			assert.Equal(t, warm.stdout, r.stdout)
			requireOneLine(t, r.stderr, r)
			assert.Contains(t, r.stderr, "using the cached answer")
		})
	}
	t.Run("hub gone", func(t *testing.T) {
		t.Parallel()
		b := newBin(t)
		warm := b.run("search", "qwen", "--all", "--json")
		require.Equal(t, exitOK, warm.code, "%s", warm)
		b.hub.Close()
		r := b.run("search", "qwen", "--all", "--json", "--refresh")
		require.Equal(t, exitOK, r.code, "%s", r)
		assert.Equal(t, warm.stdout, r.stdout)
		requireOneLine(t, r.stderr, r)
		assert.Contains(t, r.stderr, "showing cached results")
	})
}

// The Hub's error answers: each one a clear line, retried when it may
// pass and only then, with Retry-After and RateLimit honoured and capped,
// and never an HTML page on the user's terminal.
func TestBinaryHubAnswers(t *testing.T) {
	t.Parallel()
	const id = "openai-community/gpt2" // incompatible: exit 1 when it works
	info := func(f hubtest.Fault) *hubtest.Fault { f.Route = hubtest.RouteInfo; return &f }
	noRL := func(h map[string]string) map[string]string { h["RateLimit"] = ""; return h }
	tests := map[string]struct {
		fault      *hubtest.Fault
		opts       *hubtest.Options
		anonymous  bool
		id         string
		code       int
		msgs       []string
		notMsgs    []string
		info       int           // requests on the model info route
		minElapsed time.Duration // proves a wait was honoured
	}{
		"429 RateLimit r=0;t=3600: no retry, the wait said": {
			fault: info(hubtest.Fault{Status: 429, Header: map[string]string{"RateLimit": `"api";r=0;t=3600`}}),
			code:  exitError, msgs: []string{"rate limit", "HF_TOKEN", "HTTP 429", "retry after 1h0m0s"}, info: 1,
		},
		"429 RateLimit r=0;t=1 once: waited, then answered": {
			fault: info(hubtest.Fault{Status: 429, Times: 1, Header: map[string]string{"RateLimit": `"api";r=0;t=1`}}),
			code:  exitNegative, info: 2, minElapsed: time.Second,
		},
		"429 Retry-After seconds once: waited, then answered": {
			fault: info(hubtest.Fault{Status: 429, Times: 1, Header: noRL(map[string]string{"Retry-After": "1"})}),
			code:  exitNegative, info: 2, minElapsed: time.Second,
		},
		"429 Retry-After HTTP date in 2 s once: waited, then answered": {
			fault: info(hubtest.Fault{Status: 429, Times: 1, Header: noRL(map[string]string{"Retry-After": "NOW+3s"})}),
			code:  exitNegative, info: 2, minElapsed: time.Second,
		},
		"429 Retry-After HTTP date in 2 h: capped, no retry": {
			fault: info(hubtest.Fault{Status: 429, Header: noRL(map[string]string{"Retry-After": time.Now().Add(2 * time.Hour).UTC().Format(http.TimeFormat)})}),
			code:  exitError, msgs: []string{"rate limit", "retry after 1h0m0s"}, info: 1,
		},
		"429 Retry-After negative: ignored, backoff": {
			fault: info(hubtest.Fault{Status: 429, Header: noRL(map[string]string{"Retry-After": "-5"})}),
			code:  exitError, msgs: []string{"rate limit"}, notMsgs: []string{"retry after"}, info: 3,
		},
		"429 Retry-After garbage: ignored, backoff": {
			fault: info(hubtest.Fault{Status: 429, Header: noRL(map[string]string{"Retry-After": "soon; <b>maybe</b>"})}),
			code:  exitError, msgs: []string{"rate limit"}, notMsgs: []string{"retry after", "soon"}, info: 3,
		},
		"429 Retry-After huge: capped at an hour": {
			fault: info(hubtest.Fault{Status: 429, Header: noRL(map[string]string{"Retry-After": "99999999999999999999999"})}),
			code:  exitError, msgs: []string{"retry after 1h0m0s"}, info: 1,
		},
		"429 with an HTML body": {
			fault: info(hubtest.Fault{Status: 429, Header: map[string]string{"Content-Type": "text/html", "RateLimit": `"api";r=0;t=3600`},
				Body: "<!DOCTYPE html><html><body><h1>429 Too Many Requests</h1><script>alert(1)</script></body></html>"}),
			code: exitError, msgs: []string{"rate limit"}, notMsgs: []string{"DOCTYPE", "script"}, info: 1,
		},
		"500 HTML, retried then given up": {
			fault: info(hubtest.Fault{Status: 500}),
			code:  exitError, msgs: []string{"the Hub is unavailable (Internal Server Error)", "HTTP 500"}, notMsgs: []string{"DOCTYPE", "script"}, info: 3,
		},
		"502 retried then given up": {
			fault: info(hubtest.Fault{Status: 502}), code: exitError, msgs: []string{"unavailable (Bad Gateway)", "HTTP 502"}, info: 3,
		},
		"503 retried then given up": {
			fault: info(hubtest.Fault{Status: 503}), code: exitError, msgs: []string{"unavailable (Service Unavailable)", "HTTP 503"}, info: 3,
		},
		"504 retried then given up": {
			fault: info(hubtest.Fault{Status: 504}), code: exitError, msgs: []string{"unavailable (Gateway Timeout)", "HTTP 504"}, info: 3,
		},
		"408 retried then given up": {
			fault: info(hubtest.Fault{Status: 408}), code: exitError, msgs: []string{"timed out the request (408)"}, info: 3,
		},
		"500 once: retried, answered": {
			fault: info(hubtest.Fault{Status: 500, Times: 1}), code: exitNegative, info: 2,
		},
		"501 not retried": {
			fault: info(hubtest.Fault{Status: 501}), code: exitError, msgs: []string{"unavailable (Not Implemented)", "HTTP 501"}, info: 1,
		},
		"malformed JSON": {
			fault: info(hubtest.Fault{Status: 200, Body: `{"id": "openai-community/gpt2", "tags": ["a",`}),
			code:  exitError, msgs: []string{"the model is not valid JSON (at byte 45)"}, info: 1,
		},
		"invalid JSON": {
			fault: info(hubtest.Fault{Status: 200, Body: `{"id": openai}`}),
			code:  exitError, msgs: []string{"the model is not valid JSON (at byte"}, info: 1,
		},
		"wrong JSON type": {
			fault: info(hubtest.Fault{Status: 200, Body: `["openai-community/gpt2"]`}),
			code:  exitError, msgs: []string{"the model: the top level: expected an object, got a list"}, info: 1,
		},
		"wrong field type": {
			fault: info(hubtest.Fault{Status: 200, Body: `{"id": "openai-community/gpt2", "siblings": "model.safetensors"}`}),
			code:  exitError, msgs: []string{"siblings"}, info: 1,
		},
		"401 unknown repo, anonymous": {
			anonymous: true, id: "nobody/does-not-exist",
			code: exitError, msgs: []string{"repository not found, or private", "set HF_TOKEN", "HTTP 401"}, info: 1,
		},
		"401 private repo, anonymous": {
			anonymous: true, id: "acme/private-model",
			code: exitError, msgs: []string{"repository not found, or private", "HTTP 401"}, info: 1,
		},
		"401 bad token": {
			opts: &hubtest.Options{PageSize: 7, ValidTokens: []string{"hf_someone_else"}},
			code: exitError, msgs: []string{"the Hub refused the token: check HF_TOKEN", "HTTP 401"}, info: 1,
		},
		"403 gated": {
			fault: info(hubtest.Fault{Status: 403, Header: map[string]string{"X-Error-Code": "GatedRepo", "X-Error-Message": "Access restricted"}}),
			code:  exitError, msgs: []string{"gated", "request access", "HTTP 403"}, info: 1,
		},
		"404 with a token": {
			id:   "nobody/does-not-exist",
			code: exitError, msgs: []string{"the repository was not found on the Hub", "HTTP 404"}, info: 1,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var b *binHarness
			if tc.opts != nil {
				b = newBin(t, *tc.opts)
			} else {
				b = newBin(t)
			}
			b.hub.AddRepos(hubtest.Repo{ID: "acme/private-model", Private: true, ModelType: "llama", Files: []string{"model.safetensors"}})
			if tc.anonymous {
				delete(b.vars, "HF_TOKEN")
			}
			if tc.fault != nil {
				f := *tc.fault
				if f.Header["Retry-After"] == "NOW+3s" { // a date, made when the subtest runs
					f.Header = map[string]string{"RateLimit": "", "Retry-After": time.Now().Add(3 * time.Second).UTC().Format(http.TimeFormat)}
				}
				b.hub.Fail(f)
			}
			repo := tc.id
			if repo == "" {
				repo = id
			}
			r := b.run("check", repo)
			assert.Equal(t, tc.code, r.code, "%s", r)
			if tc.code == exitError {
				requireOneLineError(t, r)
				assert.NotContains(t, r.stderr, "<", "no HTML: %s", r)
			} else {
				assert.Contains(t, r.stdout, "✗ incompatible")
				assert.Empty(t, r.stderr)
			}
			for _, m := range tc.msgs {
				assert.Contains(t, r.stderr, m, "%s", r)
			}
			for _, m := range tc.notMsgs {
				assert.NotContains(t, r.stderr, m, "%s", r)
			}
			assert.NotContains(t, r.stdout+r.stderr, binToken)
			requireInert(t, "stderr", r.stderr)
			assert.Equal(t, tc.info, b.hub.Count(hubtest.RouteInfo), "%s", r)
			assert.GreaterOrEqual(t, r.elapsed, tc.minElapsed, "the wait was honoured")
			assert.Less(t, r.elapsed, 15*time.Second)
		})
	}
}

// An answer the Hub got wrong once is not kept: the next run, with the
// Hub well again, answers (a malformed 200 must not poison the cache).
func TestBinaryMalformedAnswerNotCached(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"malformed":  `{"id": "openai-community/gpt2", "tags": [`,
		"wrong type": `[1, 2, 3]`,
		"no id":      `{"tags": ["gpt2"]}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := newBin(t)
			b.hub.Fail(hubtest.Fault{Route: hubtest.RouteInfo, Status: 200, Body: body, Times: 1})
			r := b.run("check", "openai-community/gpt2", "--json")
			requireOneLineError(t, r)
			r = b.run("check", "openai-community/gpt2", "--json")
			require.Equal(t, exitNegative, r.code, "the bad answer was cached: %s", r)
			var v map[string]any
			require.NoError(t, json.Unmarshal([]byte(r.stdout), &v))
			assert.Equal(t, "openai-community/gpt2", v["id"])
			assert.Equal(t, 2, b.hub.Count(hubtest.RouteInfo))
		})
	}
	t.Run("list page", func(t *testing.T) {
		t.Parallel()
		b := newBin(t)
		b.hub.Fail(hubtest.Fault{Route: hubtest.RouteList, Status: 200, Body: `{"error": "not a list"}`, Times: 1})
		r := b.run("search", "qwen", "--json", "--no-context")
		requireOneLineError(t, r)
		assert.Contains(t, r.stderr, "the model list is not a JSON array")
		r = b.run("search", "qwen", "--json", "--no-context")
		require.Equal(t, exitOK, r.code, "the bad page was cached: %s", r)
		assert.Contains(t, r.stdout, "Qwen/")
	})
	t.Run("config.json at a commit", func(t *testing.T) {
		t.Parallel()
		// config.json at a commit is cached forever: a bad one would hide
		// the context length for good.
		b := newBin(t)
		b.hub.Fail(hubtest.Fault{Route: hubtest.RouteResolve, Status: 200, Body: `{"max_position_embeddings": `, Times: 1})
		r := b.run("check", "Qwen/Qwen3-0.6B", "--json")
		require.Equal(t, exitOK, r.code, "%s", r)
		assert.Contains(t, r.stdout, `"context_length": null`)
		r = b.run("check", "Qwen/Qwen3-0.6B", "--json")
		require.Equal(t, exitOK, r.code, "%s", r)
		assert.Contains(t, r.stdout, `"context_length": 40960`, "the bad config.json was cached: %s", r)
		assert.Equal(t, 2, b.hub.Count(hubtest.RouteResolve))
	})
}

// A 307 for a renamed repository is followed: the verdict is the new id's.
func TestBinaryRename(t *testing.T) {
	t.Parallel()
	b := newBin(t)
	r := b.run("check", "bert-base-uncased", "--json")
	require.Contains(t, []int{exitOK, exitNegative}, r.code, "%s", r)
	var v map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &v), "%s", r)
	assert.Equal(t, "google-bert/bert-base-uncased", v["id"])
	paths := []string{}
	for _, q := range b.hub.Requests() {
		if q.Route == hubtest.RouteInfo {
			paths = append(paths, q.Path)
			assert.Equal(t, "Bearer "+binToken, q.Header.Get("Authorization"), "same host: the token follows")
		}
	}
	assert.Equal(t, []string{"/api/models/bert-base-uncased", "/api/models/google-bert/bert-base-uncased"}, paths)
}

// An endless answer is cut at the cap, with bounded memory: the
// process's peak RSS stays within a small multiple of the 32 MiB cap.
func TestBinaryEndlessBody(t *testing.T) {
	t.Parallel()
	b := newBin(t)
	var sent atomic.Int64
	chunk := []byte(strings.Repeat(`{"id":"a/b","tags":["x"]},`, 4096))
	front := newFront(t, b.hub, func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasPrefix(r.URL.Path, "/api/models/") {
			return false
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		w.Write([]byte("["))
		for r.Context().Err() == nil {
			n, err := w.Write(chunk)
			sent.Add(int64(n))
			if err != nil {
				break
			}
		}
		return true
	})
	b.vars["HF_ENDPOINT"] = front.URL
	b.vars["HF_HUB_ETAG_TIMEOUT"] = "20"
	b.measureRSS = true
	r := b.run("check", "a/b")
	requireOneLineError(t, r)
	assert.Contains(t, r.stderr, "the Hub's answer is larger than 32 MiB; stopped reading")
	t.Logf("endless body: %d MiB sent before the client hung up; peak RSS %d MiB", sent.Load()>>20, r.maxRSSKiB>>10)
	assert.Less(t, r.maxRSSKiB>>10, int64(maxRSSEndlessMiB), "peak RSS")
}

// maxRSSEndlessMiB bounds the peak RSS of a process reading an endless
// answer with the 32 MiB cap: three times the cap. Reading it allocates
// about twice the cap in all, and search and check run with GOGC=800, so
// the garbage may all still be there at exit (73 MiB measured; a buffer
// doubling past the cap peaked at 137 MiB).
const maxRSSEndlessMiB = 96

// The empty 200 answer.
func TestBinaryEmptyAnswer(t *testing.T) {
	t.Parallel()
	b := newBin(t)
	front := newFront(t, b.hub, func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasPrefix(r.URL.Path, "/api/models/") {
			return false
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusOK)
		return true
	})
	b.vars["HF_ENDPOINT"] = front.URL
	r := b.run("check", "openai-community/gpt2")
	requireOneLineError(t, r)
	assert.Contains(t, r.stderr, "the model is empty or cut short")
}
