package main

import (
	"bytes"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/hf"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest/hubtesting"
)

// A session with HF_TOKEN set, through the success paths and every error
// path that could echo a request (401 bad token, 5xx, timeouts, redirects,
// a Hub that quotes the Authorization header back): the token is in no
// cache file, no other file, no stdout and no stderr. It was sent, to the
// Hub only.
func TestBinaryTokenNeverLeaks(t *testing.T) {
	t.Parallel()
	echo := "Authorization: Bearer " + binToken
	scenarios := map[string]struct {
		opts  *hubtest.Options
		fault *hubtest.Fault
		runs  [][]string
	}{
		"normal session": {runs: [][]string{
			{"check", "meta-llama/Llama-3.1-8B-Instruct"}, {"check", "meta-llama/Llama-3.1-8B-Instruct", "--json"},
			{"search", "--all", "--limit", "20"}, {"search", "llama", "--json"}, {"check", "bert-base-uncased"},
			{"check", "nobody/nothing"}, {"cache", "info"}, {"check", "meta-llama/Llama-3.1-8B-Instruct", "--refresh"},
			{"search", "--all", "--offline"}, {"workers"},
		}},
		"401 bad token, quoted back": {
			opts:  &hubtest.Options{PageSize: 7, ValidTokens: []string{"hf_someone_else"}},
			fault: &hubtest.Fault{Route: hubtest.RouteInfo, Status: 401, Header: map[string]string{"X-Error-Message": "Invalid credentials in " + echo}, Body: `{"error":"Invalid credentials in ` + echo + `"}`},
			runs:  [][]string{{"check", "openai-community/gpt2"}, {"search", "qwen"}},
		},
		"400 quoting the header": {
			fault: &hubtest.Fault{Route: hubtest.RouteAny, Status: 400, Header: map[string]string{"X-Error-Message": echo}, Body: `{"error":["` + echo + `", "again ` + binToken + `"]}`},
			runs:  [][]string{{"check", "openai-community/gpt2"}, {"search", "qwen", "--json"}},
		},
		"5xx quoting it in HTML": {
			fault: &hubtest.Fault{Route: hubtest.RouteAny, Status: 502, Body: "<html><pre>" + echo + "</pre></html>", Header: map[string]string{"X-Error-Message": echo}},
			runs:  [][]string{{"check", "openai-community/gpt2"}, {"search", "qwen"}},
		},
		"429 quoting it": {
			fault: &hubtest.Fault{Route: hubtest.RouteAny, Status: 429, Body: `{"error":"` + echo + `"}`, Header: map[string]string{"X-Error-Message": echo, "RateLimit": `"api";r=0;t=3000`}},
			runs:  [][]string{{"check", "openai-community/gpt2"}},
		},
		"timeout": {
			fault: &hubtest.Fault{Route: hubtest.RouteAny, Stall: time.Minute},
			runs:  [][]string{{"check", "openai-community/gpt2"}, {"search", "qwen"}},
		},
		"redirect to a URL holding it, nothing there": {
			fault: &hubtest.Fault{Route: hubtest.RouteInfo, RedirectTo: "http://" + closedPort(t) + "/api/models/x?token=" + url.QueryEscape(binToken)},
			runs:  [][]string{{"check", "openai-community/gpt2"}},
		},
		"redirect to a path holding it, on the Hub": {
			fault: &hubtest.Fault{Route: hubtest.RouteInfo, Times: 1, RedirectTo: "/api/models/" + binToken},
			runs:  [][]string{{"check", "openai-community/gpt2"}},
		},
		"next link holding it": {
			fault: &hubtest.Fault{Route: hubtest.RouteList, Page: 1, NextLink: "http://evil.example/api/models?cursor=" + binToken},
			runs:  [][]string{{"search", "--all", "--json"}},
		},
	}
	for name, sc := range scenarios {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var b *binHarness
			if sc.opts != nil {
				b = newBin(t, *sc.opts)
			} else {
				b = newBin(t)
			}
			b.vars["HF_HUB_ETAG_TIMEOUT"] = "0.3"
			if sc.fault != nil {
				b.hub.Fail(*sc.fault)
			}
			var all bytes.Buffer
			for _, args := range sc.runs {
				r := b.run(args...)
				all.WriteString(r.stdout + r.stderr)
				assert.NotContains(t, r.stdout, binToken, "stdout: %s", r)
				assert.NotContains(t, r.stderr, binToken, "stderr: %s", r)
			}
			require.NotZero(t, all.Len(), "the runs said something")
			sent := 0
			for _, q := range b.hub.Requests() {
				if q.Header.Get("Authorization") == "Bearer "+binToken {
					sent++
				}
			}
			assert.Positive(t, sent, "the token was sent to the Hub")
			for _, f := range filesUnder(t, b.home) {
				data, err := os.ReadFile(filepath.Join(b.home, f))
				require.NoError(t, err)
				assert.False(t, bytes.Contains(data, []byte(binToken)), "%s holds the token", f)
			}
		})
	}
}

// A redirect to another host (same IP, other name and port: 127.0.0.1
// to localhost) does not carry the Authorization header; one to the same
// host (a rename) does.
func TestBinaryAuthorizationDroppedOnCrossHostRedirect(t *testing.T) {
	t.Parallel()
	b := newBin(t)
	other := hubtesting.New(t)
	otherURL, err := url.Parse(other.URL)
	require.NoError(t, err)
	const id = "openai-community/gpt2"
	target := "http://localhost:" + otherURL.Port() + "/api/models/" + id + "?" + url.Values{"expand[]": hf.ListExpand}.Encode()
	b.hub.Fail(hubtest.Fault{Route: hubtest.RouteInfo, RedirectTo: target})

	r := b.run("check", id, "--json")
	require.Equal(t, exitNegative, r.code, "%s", r)
	assert.Contains(t, r.stdout, `"id": "openai-community/gpt2"`)

	hubReqs := b.hub.Requests()
	require.NotEmpty(t, hubReqs)
	for _, q := range hubReqs {
		assert.Equal(t, "Bearer "+binToken, q.Header.Get("Authorization"), "the endpoint gets it: %s", q.Path)
	}
	otherReqs := other.Requests()
	require.Len(t, otherReqs, 1)
	assert.True(t, strings.HasPrefix(otherReqs[0].Host, "localhost:"), otherReqs[0].Host)
	assert.Empty(t, otherReqs[0].Header.Get("Authorization"), "the token crossed to another host")
	for k, v := range otherReqs[0].Header {
		assert.NotContains(t, strings.Join(v, " "), binToken, "header %s", k)
	}
}

// stdout is a pipe under exec: search and check print plain text (no
// colour, no escape sequence, no footer meant for a person at a terminal).
func TestBinaryPlainOutputWhenPiped(t *testing.T) {
	t.Parallel()
	b := newBin(t)
	b.vars["TERM"] = "xterm-256color"
	b.vars["COLORTERM"] = "truecolor"
	b.vars["CLICOLOR_FORCE"] = "1"
	for _, args := range [][]string{
		{"search", "qwen"}, {"search", "--all", "--limit", "30"}, {"check", "meta-llama/Llama-3.1-8B-Instruct"},
		{"check", "openai-community/gpt2"}, {"workers"}, {"cache", "info"}, {"search", "nothing-matches-this"},
	} {
		r := b.run(args...)
		require.Contains(t, []int{exitOK, exitNegative}, r.code, "%s", r)
		require.NotEmpty(t, r.stdout, "%s", r)
		requireInert(t, "stdout", r.stdout)
		requireInert(t, "stderr", r.stderr)
		assert.NotContains(t, r.stdout, "compatible of", "the footer is for terminals")
	}
	// The browser refuses a pipe rather than drawing into it.
	r := b.run("qwen")
	requireOneLineError(t, r)
	assert.Contains(t, r.stderr, "needs a terminal")
}
