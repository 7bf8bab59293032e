package app

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/query"
)

// pagedHub answers the model list with the pages pages(n) gives for page
// n (1-based) and a next link to page n+1 while next(n) is true.
func pagedHub(t *testing.T, pages func(n int) string, next func(n int) bool) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var count atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/models" {
			http.NotFound(w, r)
			return
		}
		count.Add(1)
		n := 1
		if c := r.URL.Query().Get("cursor"); c != "" {
			n, _ = strconv.Atoi(c)
		}
		if next(n) {
			w.Header().Set("Link", fmt.Sprintf(`<http://%s/api/models?limit=100&cursor=%d>; rel="next"`, r.Host, n+1))
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, pages(n))
	}))
	t.Cleanup(srv.Close)
	return srv, &count
}

// llamaPage is a page of n compatible models named from start.
func llamaPage(start, n int) string {
	s := "["
	for i := range n {
		if i > 0 {
			s += ","
		}
		s += fmt.Sprintf(`{"id":"org/llama-%d","config":{"model_type":"llama"},"siblings":[{"rfilename":"model.safetensors"}],"downloads":%d}`, start+i, 1000-start-i)
	}
	return s + "]"
}

func testHub(t *testing.T, endpoint string) (*Hub, *[]string) {
	t.Helper()
	var notes []string
	env := Env{
		Getenv: func(k string) string {
			switch k {
			case "HF_ENDPOINT":
				return endpoint
			case "MODELBROWSER_CACHE_DIR":
				return t.TempDir()
			case "HOME":
				return t.TempDir()
			}
			return ""
		},
		ReadFile: func(string) ([]byte, error) { return nil, fs.ErrNotExist },
		Now:      func() time.Time { return time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC) },
		Version:  "test",
		Note:     func(s string) { notes = append(notes, s) },
	}
	h, err := OpenHub(env, Options{NoCache: true}, false)
	require.NoError(t, err)
	t.Cleanup(h.Close)
	return h, &notes
}

// TestSearchStopsOnBarrenPages: a Hub that hands out cursor after cursor
// with no new model behind them (empty pages, or the same models again) is
// followed three pages in a row at most, with a note, not forever.
func TestSearchStopsOnBarrenPages(t *testing.T) {
	tests := map[string]func(n int) string{
		"empty pages":   func(n int) string { return llamaPage(0, map[bool]int{true: 5, false: 0}[n == 1]) },
		"repeated page": func(int) string { return llamaPage(0, 5) },
	}
	for name, pages := range tests {
		t.Run(name, func(t *testing.T) {
			srv, count := pagedHub(t, pages, func(int) bool { return true })
			h, notes := testHub(t, srv.URL)
			for _, all := range []bool{false, true} {
				count.Store(0)
				*notes = nil
				res, err := h.Search(context.Background(), query.Query{}, compat.DefaultCatalog(), Limits{Limit: 50, Scan: 100000, All: all})
				require.NoError(t, err)
				assert.Len(t, res.Judged, 5)
				assert.EqualValues(t, 1+maxBarrenPages, count.Load(), "the first page and three barren ones")
				assert.Contains(t, *notes, "the Hub sent 3 pages in a row with no new model; stopping")
			}
		})
	}
}

// TestSearchBarrenPagesCountTowardScan: with compatible-only, a page that
// brings nothing new uses up a page's worth of --scan.
func TestSearchBarrenPagesCountTowardScan(t *testing.T) {
	srv, count := pagedHub(t, func(n int) string {
		if n == 1 {
			return llamaPage(0, 5)
		}
		return "[]"
	}, func(int) bool { return true })
	h, _ := testHub(t, srv.URL)
	res, err := h.Search(context.Background(), query.Query{}, compat.DefaultCatalog(), Limits{Limit: 50, Scan: 150})
	require.NoError(t, err)
	assert.Len(t, res.Judged, 5)
	assert.EqualValues(t, 3, count.Load(), "5 models, then two empty pages counted as 100 each: 205 >= 150, before the third barren page")
}

// TestSearchLimitAndScan: the limit counts results, the scan counts models
// looked at, and a search reads no page past what it needs.
func TestSearchLimitAndScan(t *testing.T) {
	srv, count := pagedHub(t, func(n int) string { return llamaPage((n-1)*100, 100) }, func(n int) bool { return n < 10 })
	h, notes := testHub(t, srv.URL)

	res, err := h.Search(context.Background(), query.Query{}, compat.DefaultCatalog(), Limits{Limit: 250, Scan: 1000})
	require.NoError(t, err)
	assert.Len(t, res.Judged, 250)
	assert.Equal(t, "org/llama-249", res.Judged[249].Model.ID)
	assert.EqualValues(t, 3, count.Load())
	assert.Empty(t, *notes)

	count.Store(0)
	res, err = h.Search(context.Background(), query.Query{}, compat.DefaultCatalog(), Limits{Limit: 5000, Scan: 1000})
	require.NoError(t, err)
	assert.Len(t, res.Judged, 1000)
	assert.Equal(t, 1000, res.Scanned)
	assert.EqualValues(t, 10, count.Load())
}

// TestListedIDsAreValidated: a listed id that check would refuse (escape
// sequences, spaces, "..") is left out of search and the browser, counted,
// and never offered for a pick.
func TestListedIDsAreValidated(t *testing.T) {
	page := `[{"id":"org/good","config":{"model_type":"llama"},"siblings":[{"rfilename":"model.safetensors"}]},
		{"id":"org/\u001b]0;pwned\u0007x","config":{"model_type":"llama"},"siblings":[{"rfilename":"model.safetensors"}]},
		{"id":"org/../../etc/passwd","config":{"model_type":"llama"},"siblings":[{"rfilename":"model.safetensors"}]},
		{"id":"org/a b;rm -rf ~","config":{"model_type":"llama"},"siblings":[{"rfilename":"model.safetensors"}]},
		{"id":"org/also-good","config":{"model_type":"llama"},"siblings":[{"rfilename":"model.safetensors"}]}]`
	srv, _ := pagedHub(t, func(int) string { return page }, func(int) bool { return false })
	h, notes := testHub(t, srv.URL)

	res, err := h.Search(context.Background(), query.Query{}, compat.DefaultCatalog(), Limits{Limit: 50, Scan: 1000, All: true})
	require.NoError(t, err)
	var ids []string
	for _, j := range res.Judged {
		ids = append(ids, j.Model.ID)
	}
	assert.Equal(t, []string{"org/good", "org/also-good"}, ids)
	assert.Equal(t, 3, res.Dropped)
	assert.Contains(t, *notes, "left out 3 models the Hub described in a form that does not decode or with an invalid id")

	p, err := h.Browser().Search(context.Background(), query.Query{}, "", false)
	require.NoError(t, err)
	require.Len(t, p.Models, 2)
	assert.Equal(t, "org/good", p.Models[0].ID)
	assert.Equal(t, "org/also-good", p.Models[1].ID)
	assert.Equal(t, 3, p.Dropped)
}
