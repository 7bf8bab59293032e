package hubtest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
)

// TestRoundTripperServesAClient: a plain http.Client over the in-process
// transport pages through a list, follows a rename, and reads a model.
func TestRoundTripperServesAClient(t *testing.T) {
	s := hubtest.NewInProcess(hubtest.Options{PageSize: 5})
	c := &http.Client{Transport: s.RoundTripper()}

	resp, err := c.Get(s.URL + "/api/models?search=llama&sort=downloads&expand[]=config&expand[]=siblings")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
	var page []struct {
		ID       string         `json:"id"`
		Config   map[string]any `json:"config"`
		Siblings []any          `json:"siblings"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&page))
	require.Len(t, page, 5)
	assert.Equal(t, "meta-llama/Llama-3.1-8B-Instruct", page[0].ID)
	assert.Equal(t, "llama", page[0].Config["model_type"])
	assert.NotEmpty(t, page[0].Siblings)
	assert.Contains(t, resp.Header.Get("Link"), hubtest.InProcessURL+"/api/models?", "the next page points back at the same host")

	// The next page, through the Link the client was given.
	link := resp.Header.Get("Link")
	next := link[1 : len(link)-len(`>; rel="next"`)]
	resp2, err := c.Get(next)
	require.NoError(t, err)
	defer resp2.Body.Close()
	var page2 []struct{ ID string }
	require.NoError(t, json.NewDecoder(resp2.Body).Decode(&page2))
	require.NotEmpty(t, page2)
	assert.NotEqual(t, page[0].ID, page2[0].ID)

	// A renamed repo: 307 with a relative Location, followed by the client.
	resp3, err := c.Get(s.URL + "/api/models/gpt2")
	require.NoError(t, err)
	defer resp3.Body.Close()
	require.Equal(t, http.StatusOK, resp3.StatusCode)
	body, err := io.ReadAll(resp3.Body)
	require.NoError(t, err)
	r, ok := s.Repo("openai-community/gpt2")
	require.True(t, ok)
	assert.JSONEq(t, string(hubtest.ModelJSON(r)), string(body))
	assert.Equal(t, int64(len(body)), resp3.ContentLength)

	assert.Equal(t, 2, s.Count(hubtest.RouteList), "the page and the next")
	assert.Equal(t, 2, s.Count(hubtest.RouteInfo), "the 307 and the model")
}

// TestRoundTripperFaults: the body faults end an in-process body the way
// they end a socket's.
func TestRoundTripperFaults(t *testing.T) {
	tests := map[string]struct {
		fault   hubtest.Fault
		wantErr error
	}{
		"truncate": {hubtest.Fault{Route: hubtest.RouteInfo, Truncate: true}, io.ErrUnexpectedEOF},
		"reset":    {hubtest.Fault{Route: hubtest.RouteInfo, Reset: true}, nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := hubtest.NewInProcess(hubtest.Options{})
			s.Fail(tc.fault)
			resp, err := (&http.Client{Transport: s.RoundTripper()}).Get(s.URL + "/api/models/openai-community/gpt2")
			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			b, err := io.ReadAll(resp.Body)
			require.Error(t, err)
			if tc.wantErr != nil {
				assert.ErrorIs(t, err, tc.wantErr)
			} else {
				assert.ErrorContains(t, err, "reset")
			}
			assert.Less(t, int64(len(b)), resp.ContentLength, "part of the body came")
			assert.NotEmpty(t, b)
		})
	}

	t.Run("stall ends with the request", func(t *testing.T) {
		s := hubtest.NewInProcess(hubtest.Options{})
		s.Fail(hubtest.Fault{Route: hubtest.RouteInfo, Stall: time.Hour})
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/api/models/openai-community/gpt2", nil)
		require.NoError(t, err)
		start := time.Now()
		resp, err := s.RoundTripper().RoundTrip(req)
		require.NoError(t, err, "the headers and half the body come at once")
		defer resp.Body.Close()
		_, err = io.ReadAll(resp.Body)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Less(t, time.Since(start), 10*time.Second)
	})

	t.Run("stall before the headers (304)", func(t *testing.T) {
		s := hubtest.NewInProcess(hubtest.Options{})
		resp, err := s.Client().Get(s.URL + "/api/models/openai-community/gpt2")
		require.NoError(t, err)
		resp.Body.Close()
		s.Fail(hubtest.Fault{Route: hubtest.RouteInfo, Stall: time.Hour})
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/api/models/openai-community/gpt2", nil)
		require.NoError(t, err)
		req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
		_, err = s.RoundTripper().RoundTrip(req)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	})
}

// TestRoundTripperHeadAndNotModified: answers without a body have an
// empty one, whatever their headers say.
func TestRoundTripperHeadAndNotModified(t *testing.T) {
	s := hubtest.NewInProcess(hubtest.Options{})
	rt := s.RoundTripper()
	req, err := http.NewRequest(http.MethodHead, s.URL+"/api/models/openai-community/gpt2", nil)
	require.NoError(t, err)
	resp, err := rt.RoundTrip(req)
	require.NoError(t, err)
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Empty(t, b)
	etag := resp.Header.Get("ETag")
	require.NotEmpty(t, etag)

	req, err = http.NewRequest(http.MethodGet, s.URL+"/api/models/openai-community/gpt2", nil)
	require.NoError(t, err)
	req.Header.Set("If-None-Match", etag)
	resp, err = rt.RoundTrip(req)
	require.NoError(t, err)
	b, err = io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNotModified, resp.StatusCode)
	assert.Empty(t, b)
}

func TestCatalogue(t *testing.T) {
	repos := hubtest.Fixtures()
	require.NotEmpty(t, repos)
	seen := map[string]bool{}
	for _, r := range repos {
		assert.False(t, seen[r.ID], "repeated id %s", r.ID)
		seen[r.ID] = true
		assert.Len(t, r.SHA, 40, r.ID)
		assert.False(t, r.CreatedAt.IsZero(), r.ID)
		assert.NotEmpty(t, r.Files, r.ID)
	}
	for old, nu := range hubtest.Renames {
		assert.True(t, seen[nu], "rename %s -> %s leads nowhere", old, nu)
	}
	// Each call is a fresh deep copy.
	require.NotNil(t, repos[0].ConfigJSON)
	repos[0].Files[0] = "changed"
	repos[0].ConfigJSON["model_type"] = "changed"
	repos[0].ConfigJSON["architectures"].([]any)[0] = "changed"
	again := hubtest.Fixtures()[0]
	assert.NotEqual(t, "changed", again.Files[0])
	assert.NotEqual(t, "changed", again.ConfigJSON["model_type"])
	assert.NotEqual(t, "changed", again.ConfigJSON["architectures"].([]any)[0])
}

// TestCloseEndsAStalledAnswer: Close on a socket server returns although
// an answer is stalled for an hour.
func TestCloseEndsAStalledAnswer(t *testing.T) {
	s, err := hubtest.NewServer(hubtest.Options{})
	require.NoError(t, err)
	s.Fail(hubtest.Fault{Route: hubtest.RouteInfo, Stall: time.Hour})
	got := make(chan error, 1)
	go func() {
		resp, err := s.Client().Get(s.URL + "/api/models/openai-community/gpt2")
		if err == nil {
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		got <- err
	}()
	require.Eventually(t, func() bool { return s.Count(hubtest.RouteInfo) == 1 }, 5*time.Second, 5*time.Millisecond)
	closed := make(chan struct{})
	go func() { s.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close waited for the stalled answer")
	}
	assert.Error(t, <-got)
}

// closeRecorder is a request body that notes being closed.
type closeRecorder struct {
	io.Reader
	closed atomic.Bool
}

func (c *closeRecorder) Close() error { c.closed.Store(true); return nil }

// TestRoundTripperClosesTheRequestBody: like any RoundTripper, the
// in-process one closes the request body, here of a refused POST.
func TestRoundTripperClosesTheRequestBody(t *testing.T) {
	s := hubtest.NewInProcess(hubtest.Options{})
	body := &closeRecorder{Reader: strings.NewReader(`{"x":1}`)}
	req, err := http.NewRequest(http.MethodPost, s.URL+"/api/models", body)
	require.NoError(t, err)
	resp, err := s.RoundTripper().RoundTrip(req)
	require.NoError(t, err)
	_, err = io.ReadAll(resp.Body)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	assert.True(t, body.closed.Load())
}
