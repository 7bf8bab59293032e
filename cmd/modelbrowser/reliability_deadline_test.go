package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// trickle answers config.json one byte every 200 ms, until the client goes
// away: the slow Hub of issue 11, item 6.
func trickle(w http.ResponseWriter, r *http.Request) bool {
	if !strings.HasSuffix(r.URL.Path, "/config.json") {
		return false
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", "100000")
	w.WriteHeader(http.StatusOK)
	for {
		if _, err := w.Write([]byte(" ")); err != nil {
			return true
		}
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
			return true
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// TestBinaryTimeoutPrintsWhatIsKnown: with config.json trickled byte by
// byte, search and check end when --timeout runs out, print what they
// know, say on stderr what is missing and why, and exit as the verdicts
// known so far say.
func TestBinaryTimeoutPrintsWhatIsKnown(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary for seconds")
	}
	t.Parallel()
	b := newBin(t)
	front := newFront(t, b.hub, trickle)
	b.vars["HF_ENDPOINT"] = front.URL
	b.vars["HF_HUB_ETAG_TIMEOUT"] = "60"

	r := b.run("search", "--all", "--limit", "10", "--timeout", "2s", "--json")
	assert.Equal(t, 0, r.code, "%s", r)
	assert.Less(t, r.elapsed, 8*time.Second, "%s", r)
	assert.Contains(t, r.stdout, `"id":`, "the verdicts known are printed: %s", r)
	assert.Regexp(t, `context length unknown for \d+ of \d+ models: the --timeout of 2s ran out`, r.stderr)

	r = b.run("check", "meta-llama/Llama-3.1-8B-Instruct", "--timeout", "2s")
	assert.Contains(t, []int{0, 1}, r.code, "%s", r)
	assert.Less(t, r.elapsed, 8*time.Second, "%s", r)
	assert.Contains(t, r.stdout, "CTX_UNKNOWN", "%s", r)
	assert.Contains(t, r.stderr, "context length unknown: the --timeout of 2s ran out", "%s", r)

	r = b.run("search", "--timeout", "0s")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "--timeout must be more than 0")
}

// TestBinaryInterruptExits130: SIGINT (or SIGTERM) in any phase ends the
// command with 130 (143) and nothing on stdout, not a partial table with 0.
func TestBinaryInterruptExits130(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary for seconds")
	}
	t.Parallel()
	b := newBin(t)
	stall := func(w http.ResponseWriter, r *http.Request) bool {
		<-r.Context().Done()
		return true
	}
	listStall := newFront(t, b.hub, func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == "/api/models" {
			return stall(w, r)
		}
		return false
	})
	ctxStall := newFront(t, b.hub, trickle)
	cases := map[string]struct {
		endpoint string
		args     []string
		sig      syscall.Signal
		want     int
	}{
		"while listing":          {listStall.URL, []string{"search"}, syscall.SIGINT, 130},
		"while contexts load":    {ctxStall.URL, []string{"search", "--all", "--limit", "10"}, syscall.SIGINT, 130},
		"check, config.json":     {ctxStall.URL, []string{"check", "meta-llama/Llama-3.1-8B-Instruct"}, syscall.SIGINT, 130},
		"SIGTERM while contexts": {ctxStall.URL, []string{"search", "--all", "--limit", "10", "--json"}, syscall.SIGTERM, 143},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), binTimeout)
			defer cancel()
			cmd := exec.CommandContext(ctx, binPath, tc.args...)
			env := b.env()
			env = append(env, "HF_ENDPOINT="+tc.endpoint, "HF_HUB_ETAG_TIMEOUT=60")
			cmd.Env, cmd.Dir = env, b.home
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			require.NoError(t, cmd.Start())
			time.Sleep(1500 * time.Millisecond)
			require.NoError(t, cmd.Process.Signal(tc.sig))
			start := time.Now()
			err := cmd.Wait()
			var ee *exec.ExitError
			require.True(t, errors.As(err, &ee), "exit: %v; stderr %q", err, errb.String())
			assert.Equal(t, tc.want, ee.ExitCode(), "stderr %q", errb.String())
			assert.Less(t, time.Since(start), 3*time.Second, "stops at once")
			assert.Empty(t, out.String(), "nothing partial on stdout")
			assert.Contains(t, errb.String(), "modelbrowser: interrupted (")
			assert.NotContains(t, errb.String(), "panic")
		})
	}
}
