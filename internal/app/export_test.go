package app

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
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

// exportHub is a fake Hub of 60 generated models in pages of 10, and a
// session on it.
func exportHub(t *testing.T) (*hubtest.Server, *Session) {
	t.Helper()
	hub := hubtesting.New(t, hubtest.Options{PageSize: 10, NoFixtures: true, Synthetic: 60})
	h, _ := testHub(t, hub.URL)
	return hub, &Session{Catalog: compat.DefaultCatalog(), Hub: h}
}

func exportOpts(path string, waits *[]time.Duration) ExportOptions {
	return ExportOptions{Query: query.Query{Sort: query.SortDownloads}, All: true, Path: path,
		Wait: func(ctx context.Context, d time.Duration) error {
			*waits = append(*waits, d)
			return ctx.Err()
		}}
}

// reference is what an uninterrupted export of the same Hub writes.
func reference(t *testing.T, s *Session) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ref.jsonl")
	var waits []time.Duration
	res, err := s.Export(context.Background(), exportOpts(path, &waits))
	require.NoError(t, err)
	require.True(t, res.State.Complete)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, 60, strings.Count(string(b), "\n"))
	return b
}

// A rate limit longer than any the client waits by itself (ten minutes)
// is waited out by export, and the page asked again.
func TestExportWaitsOutALongRateLimit(t *testing.T) {
	hub, s := exportHub(t)
	want := reference(t, s)
	hub.RateLimitPage(3, 10*time.Minute)
	path := filepath.Join(t.TempDir(), "out.jsonl")
	var waits []time.Duration
	res, err := s.Export(context.Background(), exportOpts(path, &waits))
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{10 * time.Minute}, waits)
	assert.EqualValues(t, 6, res.State.Pages)
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))
}

// A failure that outlasts the client's retries ends the run with the
// state saved; the next run goes on from the failed page and the file ends
// as an uninterrupted run writes it.
func TestExportResumesAfterAFailure(t *testing.T) {
	hub, s := exportHub(t)
	want := reference(t, s)
	hub.Fail(hubtest.Fault{Route: hubtest.RouteList, Page: 4, Status: http.StatusInternalServerError, Times: 3})
	path := filepath.Join(t.TempDir(), "out.jsonl")
	var waits []time.Duration
	res, err := s.Export(context.Background(), exportOpts(path, &waits))
	require.Error(t, err)
	assert.EqualValues(t, 3, res.State.Pages)
	st, found, err := readExportState(path + ".state")
	require.NoError(t, err)
	require.True(t, found)
	assert.Equal(t, res.State, st)
	assert.False(t, st.Complete)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, st.Length, fi.Size())

	res, err = s.Export(context.Background(), exportOpts(path, &waits))
	require.NoError(t, err)
	assert.True(t, res.Resumed)
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))

	// Complete: a third run changes nothing.
	res, err = s.Export(context.Background(), exportOpts(path, &waits))
	require.NoError(t, err)
	assert.True(t, res.AlreadyComplete)
	again, _ := os.ReadFile(path)
	assert.Equal(t, string(want), string(again))
}

// Lines written after the last saved state (a run killed between the
// file's sync and the state's) are cut on resume: nothing twice.
func TestExportCutsWhatTheStateDoesNotRecord(t *testing.T) {
	hub, s := exportHub(t)
	want := reference(t, s)
	path := filepath.Join(t.TempDir(), "out.jsonl")
	ctx, cancel := context.WithCancel(context.Background())
	opts := ExportOptions{Query: query.Query{Sort: query.SortDownloads}, All: true, Path: path,
		Progress: func(st ExportState) {
			if st.Pages == 2 {
				cancel()
			}
		}}
	_, err := s.Export(ctx, opts)
	require.ErrorIs(t, err, context.Canceled)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err)
	_, err = f.WriteString(`{"id":"half a page`)
	require.NoError(t, err)
	f.Close()
	hub.ResetRequests()
	opts.Progress = nil
	_, err = s.Export(context.Background(), opts)
	require.NoError(t, err)
	got, _ := os.ReadFile(path)
	assert.Equal(t, string(want), string(got))
	assert.Equal(t, 4, hub.Count(hubtest.RouteList), "pages 3 to 6, each once")
}

func TestExportRefusals(t *testing.T) {
	_, s := exportHub(t)
	dir := t.TempDir()
	var waits []time.Duration
	refused := func(t *testing.T, opts ExportOptions, contains string) {
		t.Helper()
		before, _ := os.ReadFile(opts.Path)
		state, _ := os.ReadFile(opts.Path + ".state")
		_, err := s.Export(context.Background(), opts)
		var r *ExportRefused
		require.True(t, errors.As(err, &r), "%v", err)
		assert.Contains(t, r.Msg, contains)
		assert.Contains(t, r.Msg, "--restart")
		after, _ := os.ReadFile(opts.Path)
		assert.Equal(t, before, after, "FILE untouched")
		afterState, _ := os.ReadFile(opts.Path + ".state")
		assert.Equal(t, state, afterState, "FILE.state untouched")
	}
	t.Run("a file without a state", func(t *testing.T) {
		path := filepath.Join(dir, "mine.txt")
		require.NoError(t, os.WriteFile(path, []byte("precious\n"), 0o644))
		refused(t, exportOpts(path, &waits), "mine.txt exists and has no "+path+".state")
		opts := exportOpts(path, &waits)
		opts.Restart = true
		_, err := s.Export(context.Background(), opts)
		require.NoError(t, err)
		b, _ := os.ReadFile(path)
		assert.NotContains(t, string(b), "precious")
	})
	t.Run("another query", func(t *testing.T) {
		path := filepath.Join(dir, "all.jsonl")
		_, err := s.Export(context.Background(), exportOpts(path, &waits))
		require.NoError(t, err)
		opts := exportOpts(path, &waits)
		opts.Query.Filters = []string{"gguf"}
		refused(t, opts, "the state of another export")
		opts = exportOpts(path, &waits)
		opts.All = false
		refused(t, opts, "the state of another export")
	})
	t.Run("a state that is no state", func(t *testing.T) {
		path := filepath.Join(dir, "bad.jsonl")
		require.NoError(t, os.WriteFile(path, nil, 0o644))
		require.NoError(t, os.WriteFile(path+".state", []byte("{not json"), 0o644))
		refused(t, exportOpts(path, &waits), "is not an export state")
	})
	t.Run("a file shorter than its state", func(t *testing.T) {
		path := filepath.Join(dir, "short.jsonl")
		_, err := s.Export(context.Background(), exportOpts(path, &waits))
		require.NoError(t, err)
		st, _, _ := readExportState(path + ".state")
		st.Complete, st.Next = false, ""
		require.NoError(t, writeExportState(path+".state", st))
		require.NoError(t, os.Truncate(path, 100))
		refused(t, exportOpts(path, &waits), "fewer than the")
	})
}
