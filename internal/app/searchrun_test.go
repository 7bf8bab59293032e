package app

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest/hubtesting"
	"github.com/modelbrowser/modelbrowser/internal/query"
)

// searchRun is a search of a fake Hub of 60 generated models in pages of
// 10, printing into out and its notes into notes.
func searchRun(t *testing.T, out *bytes.Buffer, notes *[]string) (*hubtest.Server, SearchRun) {
	t.Helper()
	hub := hubtesting.New(t, hubtest.Options{PageSize: 10, NoFixtures: true, Synthetic: 60})
	return hub, SearchRun{
		Sort: query.SortDownloads, Limit: 20, Scan: 1000, All: true, NoContext: true, Timeout: time.Minute,
		Open: func(context.Context, bool) (*Session, error) {
			h, _ := testHub(t, hub.URL)
			return &Session{Catalog: compat.DefaultCatalog(), Hub: h}, nil
		},
		Out:  out,
		Note: func(s string) { *notes = append(*notes, s) },
	}
}

func TestSearchRunRefusesBadFlags(t *testing.T) {
	opened := false
	base := SearchRun{Sort: query.SortDownloads, Limit: 50, Scan: 1000, Timeout: time.Minute,
		Open: func(context.Context, bool) (*Session, error) { opened = true; return nil, context.Canceled }}
	tests := []struct {
		change func(*SearchRun)
		want   string
	}{
		{func(r *SearchRun) { r.Limit = 0 }, "--limit must be between 1 and 10000, got 0"},
		{func(r *SearchRun) { r.Limit = 10001 }, "--limit must be between 1 and 10000, got 10001"},
		{func(r *SearchRun) { r.Scan = 0 }, "--scan must be between 1 and 100000, got 0"},
		{func(r *SearchRun) { r.Sort = "biggest" }, `--sort must be one of downloads, likes, trending, updated,`},
		{func(r *SearchRun) { r.Format = "onnx\x1b[2J" }, `--format must be gguf or safetensors, got "onnx"`},
		{func(r *SearchRun) { r.Params = "9B-1B" }, "--params: "},
		{func(r *SearchRun) { r.Timeout = 0 }, "--timeout must be more than 0"},
	}
	for _, tc := range tests {
		r := base
		tc.change(&r)
		var u UsageError
		require.ErrorAs(t, r.Run(context.Background()), &u)
		assert.Contains(t, u.Msg, tc.want)
	}
	assert.False(t, opened, "a bad flag opens no session")
}

func TestSearchRunPrintsJSONAndTable(t *testing.T) {
	var out bytes.Buffer
	var notes []string
	_, r := searchRun(t, &out, &notes)
	r.JSON = true
	require.NoError(t, r.Run(context.Background()))
	var got []map[string]any
	require.NoError(t, json.Unmarshal(out.Bytes(), &got))
	assert.Len(t, got, 20)
	assert.Empty(t, notes)

	out.Reset()
	r.JSON, r.All, r.TTY = false, false, true
	require.NoError(t, r.Run(context.Background()))
	assert.Regexp(t, `\n\d+ compatible of \d+ scanned \(--all shows every model\)\n$`, out.String())
}

// A page that fails after others were read: those are printed, a note
// says where it stopped, the exit is 2.
func TestSearchRunPrintsWhatWasReadBeforeAFailure(t *testing.T) {
	var out bytes.Buffer
	var notes []string
	hub, r := searchRun(t, &out, &notes)
	r.JSON = true
	hub.Fail(hubtest.Fault{Route: hubtest.RouteList, Page: 2, Status: http.StatusNotFound})
	assert.Equal(t, Exit(ExitError), r.Run(context.Background()))
	var got []map[string]any
	require.NoError(t, json.Unmarshal(out.Bytes(), &got))
	assert.Len(t, got, 10)
	require.Len(t, notes, 1)
	assert.True(t, strings.HasPrefix(notes[0], "stopped after 10 models: "), notes[0])

	// Nothing read: the error alone, nothing printed.
	out.Reset()
	notes = nil
	hub.ClearFaults()
	hub.Fail(hubtest.Fault{Route: hubtest.RouteList, Status: http.StatusNotFound})
	err := r.Run(context.Background())
	require.Error(t, err)
	assert.NotEqual(t, Exit(ExitError), err)
	assert.Empty(t, out.String())
	assert.Empty(t, notes)
}

// --fit counts the requests it cost, last.
func TestSearchRunFitCountsTheRequests(t *testing.T) {
	var out bytes.Buffer
	var notes []string
	_, r := searchRun(t, &out, &notes)
	r.Fit, r.Limit = true, 5
	var speed bool
	open := r.Open
	r.Open = func(ctx context.Context, s bool) (*Session, error) { speed = s; return open(ctx, s) }
	require.NoError(t, r.Run(context.Background()))
	assert.True(t, speed, "--fit judges speed")
	require.NotEmpty(t, notes)
	assert.Regexp(t, `^--fit: \d+ requests? to the Hub \(it allows 500 API requests per 5 minutes without a token\)$`, notes[len(notes)-1])
}
