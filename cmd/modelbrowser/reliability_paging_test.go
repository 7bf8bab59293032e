package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/hf"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
	"github.com/modelbrowser/modelbrowser/internal/query"
	"github.com/modelbrowser/modelbrowser/internal/report"
)

// Paging gone wrong: what was read is kept and printed, no model twice,
// and a failure is one line on stderr with exit 2.
func TestBinarySearchPaging(t *testing.T) {
	t.Parallel()
	// The first page's URL, as the binary asks for it (search --all
	// --limit 1000: pages of 100, sorted by downloads).
	firstPage := func(front string) string {
		q, err := hf.ListOptions{Query: query.Query{Sort: "downloads"}, Limit: 100}.Values()
		require.NoError(t, err)
		return front + "/api/models?" + q.Encode()
	}
	list := func(f hubtest.Fault) func(string) *hubtest.Fault {
		// A fresh copy per call: the text and json subtests run in parallel.
		return func(string) *hubtest.Fault { g := f; g.Route = hubtest.RouteList; return &g }
	}
	tests := map[string]struct {
		fault  func(front string) *hubtest.Fault
		noLink bool // the front drops page 2's Link: the Hub says it is the last
		models int
		code   int
		msg    string
	}{
		"missing Link":      {noLink: true, models: 14, code: exitOK},
		"garbage Link":      {fault: list(hubtest.Fault{Page: 2, GarbageLink: true}), models: 14, code: exitError, msg: "stopped after 14 models: the Hub's next-page link does not parse"},
		"self-looping Link": {fault: list(hubtest.Fault{Page: 2, LoopNext: true}), models: 14, code: exitError, msg: "stopped after 14 models: the Hub's next-page link after page 2 points back to a page already read"},
		"Link back to page 1": {fault: func(front string) *hubtest.Fault {
			return &hubtest.Fault{Route: hubtest.RouteList, Page: 3, NextLink: firstPage(front)}
		}, models: 21, code: exitError, msg: "stopped after 21 models: the Hub's next-page link after page 3 points back to a page already read"},
		"Link to another host":  {fault: list(hubtest.Fault{Page: 2, NextLink: "http://evil.example/api/models?cursor=x"}), models: 14, code: exitError, msg: "refusing a next-page link to another host (evil.example)"},
		"page 3 fails with 500": {fault: list(hubtest.Fault{Page: 3, Status: 500}), models: 14, code: exitError, msg: "stopped after 14 models: the Hub is unavailable (Internal Server Error) (HTTP 500; request id "},
		"page 3 malformed":      {fault: list(hubtest.Fault{Page: 3, Status: 200, Body: `[{"id": "x"}, {"id":`}), models: 14, code: exitError, msg: "stopped after 14 models: model 1 of the list is empty or cut short"},
		"page 3 rate limited":   {fault: list(hubtest.Fault{Page: 3, Status: 429, Header: map[string]string{"RateLimit": `"api";r=0;t=600`}}), models: 14, code: exitError, msg: "stopped after 14 models: the Hub's rate limit is reached"},
	}
	for name, tc := range tests {
		for _, mode := range []string{"json", "text"} {
			t.Run(name+"/"+mode, func(t *testing.T) {
				t.Parallel()
				b := newBin(t, hubtest.Options{PageSize: 7, NoFixtures: true, Synthetic: 30})
				var wrap func(http.Handler) http.Handler
				if tc.noLink {
					wrap = dropLinkOnPage2
				}
				front := newFrontWrapped(t, b.hub, wrap)
				b.vars["HF_ENDPOINT"] = front.URL
				if tc.fault != nil {
					b.hub.Fail(*tc.fault(front.URL))
				}
				args := []string{"search", "--all", "--limit", "1000", "--no-context"}
				if mode == "json" {
					args = append(args, "--json")
				}
				r := b.run(args...)
				require.Equal(t, tc.code, r.code, "%s", r)
				ids := map[string]bool{}
				if mode == "json" {
					var res []report.SearchElement
					require.NoError(t, json.Unmarshal([]byte(r.stdout), &res), "%s", r)
					for _, m := range res {
						assert.False(t, ids[m.ID], "%s twice", m.ID)
						ids[m.ID] = true
					}
				} else {
					lines := strings.Split(strings.TrimRight(r.stdout, "\n"), "\n")
					require.True(t, strings.HasPrefix(lines[0], "VERDICT"), "%s", r)
					for _, l := range lines[1:] {
						f := strings.Fields(l)
						require.GreaterOrEqual(t, len(f), 3, l)
						id := f[2] // "✓ ok ID ..." or "✗ no ID ..."
						assert.False(t, ids[id], "%s twice", id)
						ids[id] = true
					}
					requireInert(t, "stdout", r.stdout)
				}
				assert.Len(t, ids, tc.models, "%s", r)
				if tc.code == exitOK {
					assert.Empty(t, r.stderr)
					return
				}
				requireOneLine(t, r.stderr, r)
				assert.Contains(t, r.stderr, tc.msg)
				assert.NotContains(t, r.stderr, "<")
				assert.Less(t, b.hub.Count(hubtest.RouteList), 12, "no endless paging")
			})
		}
	}
}

// dropLinkOnPage2 removes the Link header of the second page's answer.
func dropLinkOnPage2(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/models" && isPage2(r) {
			w = &linkDropper{ResponseWriter: w, page2: true}
		}
		next.ServeHTTP(w, r)
	})
}

// isPage2 reads the fake Hub's cursor (base64 JSON {"offset":7}).
func isPage2(r *http.Request) bool {
	return r.URL.Query().Get("cursor") == "eyJvZmZzZXQiOjd9"
}

type linkDropper struct {
	http.ResponseWriter
	page2 bool
}

func (l *linkDropper) WriteHeader(code int) {
	if l.page2 {
		l.Header().Del("Link")
	}
	l.ResponseWriter.WriteHeader(code)
}

func (l *linkDropper) Write(p []byte) (int, error) {
	if l.page2 {
		l.Header().Del("Link")
	}
	return l.ResponseWriter.Write(p)
}
