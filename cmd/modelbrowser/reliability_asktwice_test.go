package main

// Nothing asked twice, through the built binary against the fake Hub: a
// cold `search --fit` sends each URL once (the gated repos' refused
// config.json included), a warm one sends none, and the count it prints
// on stderr is the fake Hub's own log at both of its origins (the Hub's
// redirects to its file storage counted).

import (
	"bytes"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
)

// fitCount is the request count `search --fit` prints on stderr.
var fitCount = regexp.MustCompile(`--fit: (\d+) requests? to the Hub`)

func printedRequests(t *testing.T, r binResult) int {
	t.Helper()
	m := fitCount.FindStringSubmatch(r.stderr)
	require.NotNil(t, m, "no request count on stderr: %s", r)
	n, err := strconv.Atoi(m[1])
	require.NoError(t, err)
	return n
}

// requestKey names one request as the Hub sees it: origin, path, query
// and the byte range asked.
func requestKey(r hubtest.Request) string {
	return r.Host + " " + r.RawPath + "?" + r.RawQuery + " " + r.Header.Get("Range")
}

// Not parallel: the fake Hubs render the GGUF header of every sample repo
// (tens of MiB in this test process), which would swell the peak RSS that
// TestBinaryEndlessBody reads of its child (os/exec's vfork counts the
// parent's pages). Run alone, first, and handed back to the OS after.
func TestBinarySearchFitAsksOnce(t *testing.T) {
	t.Cleanup(debug.FreeOSMemory)
	tokens := map[string]struct {
		token  string // "" anonymous
		status int    // what the gated repos' config.json gets
	}{
		"anonymous":         {"", 401},
		"token not granted": {"hf_notGrantedT0ken", 403},
	}
	for name, tt := range tokens {
		t.Run(name, func(t *testing.T) {
			var log lockedBuffer
			b := newBin(t, hubtest.Options{PageSize: 7, GatedTokens: []string{binToken}, Log: &log})
			b.vars["HF_HUB_ETAG_TIMEOUT"] = "30" // as newFitBin: the first header rendering is slow
			if tt.token == "" {
				delete(b.vars, "HF_TOKEN")
			} else {
				b.vars["HF_TOKEN"] = tt.token
			}
			args := []string{"search", "--fit", "--all", "--limit", "200", "--memory", "16GiB"}

			cold := b.run(args...)
			require.Equal(t, exitOK, cold.code, "%s", cold)
			reqs := b.hub.Requests()
			require.NotEmpty(t, reqs)
			seen := map[string]int{}
			var refused, redirects, storage int
			for _, r := range reqs {
				seen[requestKey(r)]++
				switch {
				case r.Route == hubtest.RouteFiles:
					storage++
				case r.Route == hubtest.RouteResolve && strings.HasSuffix(r.Path, ".gguf"):
					redirects++ // answered 302 to the file storage
				case r.Route == hubtest.RouteResolve && strings.HasPrefix(r.Path, "/meta-llama/") && strings.HasSuffix(r.Path, "/config.json"):
					refused++
				}
			}
			for k, n := range seen {
				assert.Equal(t, 1, n, "asked %d times: %s", n, k)
			}
			assert.Positive(t, refused, "the gated meta-llama repos were in the search")
			assert.Positive(t, redirects, "headers were read through the Hub's redirect")
			assert.Positive(t, storage, "and from the file storage")
			assert.Equal(t, len(reqs), printedRequests(t, cold), "the count printed is the Hub's log, both origins")

			// The refusals are the gated ones of this token state: 401
			// without a token, 403 with one not granted.
			gatedAnswer := regexp.MustCompile(`GET /meta-llama/Llama-3\.[12]-\d+B-Instruct/resolve/[^ ]+/config.json -> (\d+)`)
			statuses := map[string]bool{}
			for _, m := range gatedAnswer.FindAllStringSubmatch(log.String(), -1) {
				statuses[m[1]] = true
			}
			assert.Equal(t, map[string]bool{strconv.Itoa(tt.status): true}, statuses)
			b.hub.ResetRequests()
			warm := b.run(args...)
			require.Equal(t, exitOK, warm.code, "%s", warm)
			var again []string
			for _, r := range b.hub.Requests() {
				again = append(again, requestKey(r))
			}
			assert.Empty(t, again, "a warm search --fit asks nothing")
			assert.Equal(t, 0, printedRequests(t, warm))
			assert.Equal(t, cold.stdout, warm.stdout, "and prints the same")
		})
	}
}

// lockedBuffer is the fake Hub's log: its handlers write at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
