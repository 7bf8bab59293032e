package hf

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/cache"
	"github.com/modelbrowser/modelbrowser/internal/gguf"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest/hubtesting"
)

// presetRepos are fake Hub repos whose GGUF file has a preset's header and
// the size that header's tensors imply.
func presetRepos(t *testing.T) (repos []hubtest.Repo, want map[string]gguf.Info) {
	t.Helper()
	want = map[string]gguf.Info{}
	for _, p := range gguf.Presets() {
		f, err := gguf.NewPreset(p, gguf.Q8_0)
		require.NoError(t, err)
		_, size, err := f.Layout()
		require.NoError(t, err)
		var head bytes.Buffer
		_, err = f.WriteHeader(&head)
		require.NoError(t, err)
		info, err := gguf.Read(bytes.NewReader(head.Bytes()), GGUFMaxBytes)
		require.NoError(t, err)
		id := "acme/" + p + "-GGUF"
		want[id] = info
		repos = append(repos, hubtest.Repo{ID: id, Files: []string{"README.md", "model-Q8_0.gguf"},
			Sizes: map[string]int64{"model-Q8_0.gguf": int64(size)}, GGUFHeader: &hubtest.GGUFHeader{Preset: p}})
	}
	return repos, want
}

// rangeLen is the length a "bytes=a-b" header asks for (-1 if malformed).
func rangeLen(h string) int64 {
	spec, ok := strings.CutPrefix(h, "bytes=")
	a, b, ok2 := strings.Cut(spec, "-")
	x, err1 := strconv.ParseInt(a, 10, 64)
	y, err2 := strconv.ParseInt(b, 10, 64)
	if !ok || !ok2 || err1 != nil || err2 != nil {
		return -1
	}
	return y - x + 1
}

// checkReads asserts what every request of a header read carried: the
// token on the Hub's origin only, identity encoding, ranges of at most
// GGUFChunk, at most GGUFMaxBytes asked in all.
func checkReads(t *testing.T, hub *hubtest.Server, token string) {
	t.Helper()
	var asked int64
	var toHub, toFiles int
	for _, r := range hub.Requests() {
		switch r.Route {
		case hubtest.RouteResolve:
			toHub++
			if token != "" {
				assert.Equal(t, "Bearer "+token, r.Header.Get("Authorization"), "the Hub's origin gets the token")
			}
		case hubtest.RouteFiles:
			toFiles++
			assert.Empty(t, r.Header.Get("Authorization"), "the token went to the file storage origin %s", r.Host)
		default:
			continue
		}
		assert.Equal(t, "identity", r.Header.Get("Accept-Encoding"))
		n := rangeLen(r.Header.Get("Range"))
		require.Positive(t, n, "Range %q", r.Header.Get("Range"))
		assert.LessOrEqual(t, n, int64(GGUFChunk), "Range %q", r.Header.Get("Range"))
		if r.Route == hubtest.RouteFiles {
			asked += n
		}
	}
	assert.LessOrEqual(t, asked, int64(GGUFMaxBytes))
	assert.Positive(t, toHub)
	assert.Positive(t, toFiles, "no request reached the file storage")
}

// patient gives the client a minute a request: the fake Hub renders a
// preset's header (150,000-260,000 tokens) on first use, which under the
// race detector on a loaded machine can pass the test clients' 2 s and
// make a retry the request counts do not expect.
func patient(c *Config) { c.Timeout = time.Minute }

func TestGGUFInfoPresetsThroughStorageRedirect(t *testing.T) {
	repos, want := presetRepos(t)
	hub := hubtesting.New(t, hubtest.Options{})
	hub.AddRepos(repos...)
	mc, clk := newMemCache(), newClock()
	c := cachedClient(t, hub.URL, mc, clk, patient)
	ctx := context.Background()
	for _, r := range repos {
		t.Run(r.ID, func(t *testing.T) {
			repo, _ := hub.Repo(r.ID)
			hub.ResetRequests()
			info, stats, err := c.GGUFInfo(ctx, r.ID, repo.SHA, "model-Q8_0.gguf")
			require.NoError(t, err)
			assert.Equal(t, want[r.ID], info)
			assert.False(t, stats.FromCache)
			assert.Equal(t, len(hub.Requests()), stats.Requests)
			assert.Equal(t, 2, stats.Requests, "one chunk: the Hub's redirect and the storage")
			assert.Positive(t, stats.HeaderBytes)
			assert.LessOrEqual(t, stats.HeaderBytes, stats.Bytes)
			assert.Less(t, stats.Bytes, repo.FileSize("model-Q8_0.gguf")/100, "read far less than the file")
			assert.LessOrEqual(t, stats.Bytes, int64(GGUFMaxBytes))
			checkReads(t, hub, testToken)

			// Asked again, even by a new client on the same cache: no request.
			hub.ResetRequests()
			c2 := cachedClient(t, hub.URL, mc, clk, patient)
			again, stats, err := c2.GGUFInfo(ctx, r.ID, repo.SHA, "model-Q8_0.gguf")
			require.NoError(t, err)
			assert.Equal(t, info, again)
			assert.Equal(t, GGUFStats{FromCache: true}, stats)
			assert.Zero(t, hub.Count(hubtest.RouteAny))
		})
	}
}

func TestGGUFInfoSampleRepoWithEightQuants(t *testing.T) {
	hub := hubtesting.New(t, hubtest.Options{})
	c, _ := newTestClient(t, hub.URL, anonymous, patient)
	repo, ok := hub.Repo("Qwen/Qwen2.5-0.5B-Instruct-GGUF")
	require.True(t, ok)
	files, err := c.Files(context.Background(), repo.ID, repo.SHA)
	require.NoError(t, err)
	quants := 0
	for _, f := range files {
		if !strings.HasSuffix(f.Path, ".gguf") {
			continue
		}
		quants++
		require.NotNil(t, f.Size)
		info, stats, err := c.GGUFInfo(context.Background(), repo.ID, repo.SHA, f.Path)
		require.NoError(t, err, f.Path)
		assert.Equal(t, "qwen2", info.Architecture)
		assert.Equal(t, uint64(24), info.BlockCount)
		assert.Equal(t, uint64(151936), info.VocabSize)
		assert.Less(t, stats.Bytes, int64(*f.Size)/100, f.Path)
	}
	assert.Equal(t, 8, quants)
	checkReads(t, hub, "")
}

func TestGGUFInfoServerIgnoresRange(t *testing.T) {
	repos, want := presetRepos(t)
	hub := hubtesting.New(t, hubtest.Options{})
	hub.AddRepos(repos...)
	hub.Fail(hubtest.Fault{Route: hubtest.RouteFiles, IgnoreRange: true})
	c, _ := newTestClient(t, hub.URL, patient)
	for _, r := range repos {
		repo, _ := hub.Repo(r.ID)
		info, stats, err := c.GGUFInfo(context.Background(), r.ID, repo.SHA, "model-Q8_0.gguf")
		require.NoError(t, err, r.ID)
		assert.Equal(t, want[r.ID], info, r.ID)
		assert.Equal(t, 2, stats.Requests, "%s: one whole-file answer, read only as far as needed", r.ID)
		assert.Less(t, stats.Bytes, int64(GGUFChunk), r.ID)
	}
}

func TestGGUFInfoBadHeaders(t *testing.T) {
	hub := hubtesting.New(t, hubtest.Options{GatedTokens: []string{"hf_granted"}})
	kv := func(key, typ string, v any) hubtest.HeaderKV { return hubtest.HeaderKV{Key: key, Type: typ, Value: v} }
	hub.AddRepos(
		hubtest.Repo{ID: "acme/short-GGUF", Files: []string{"m-F16.gguf"},
			Sizes: map[string]int64{"m-F16.gguf": 300}, GGUFHeader: &hubtest.GGUFHeader{Preset: gguf.PresetQwen25_05B}},
		// 1.1 million tokens (some 19 MB of strings) before block_count:
		// the reader skips them until 16 MiB, then stops.
		hubtest.Repo{ID: "acme/long-GGUF", Files: []string{"m-F16.gguf"}, Sizes: map[string]int64{"m-F16.gguf": 1 << 30},
			GGUFHeader: &hubtest.GGUFHeader{KV: []hubtest.HeaderKV{
				kv("general.architecture", "string", "llama"),
				{Key: "tokenizer.ggml.tokens", Type: "[string]", Len: 1_100_000},
				kv("llama.block_count", "uint32", 16),
			}}},
		hubtest.Repo{ID: "acme/zeros-GGUF", Files: []string{"m-F16.gguf"}, Sizes: map[string]int64{"m-F16.gguf": 1 << 20}},
		hubtest.Repo{ID: "acme/gated-GGUF", Gated: "manual", Files: []string{"m-F16.gguf"},
			GGUFHeader: &hubtest.GGUFHeader{Preset: gguf.PresetGemma3_1B}},
	)
	tests := []struct {
		name, id, file, token string
		kind                  Kind
		msg                   string
		maxRequests           int
		// unreadable: the file's own bytes are refused, which is cached
		// at the commit for good; a refusal of the Hub is not.
		unreadable bool
	}{
		{"truncated header", "acme/short-GGUF", "m-F16.gguf", testToken, BadResponse, "truncated", 2, true},
		{"past 16 MiB", "acme/long-GGUF", "m-F16.gguf", testToken, BadResponse, "16 MiB", 9, true},
		{"not a GGUF", "acme/zeros-GGUF", "m-F16.gguf", testToken, BadResponse, "not a GGUF file", 2, true},
		{"gated, anonymous", "acme/gated-GGUF", "m-F16.gguf", "", Gated, "gated", 1, false},
		{"gated, not granted", "acme/gated-GGUF", "m-F16.gguf", testToken, Gated, "authorized list", 1, false},
		{"missing file", "acme/short-GGUF", "other.gguf", testToken, NotFound, "file", 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hub.ResetRequests()
			// A generous timeout: the fake Hub writes a 19 MB header on the
			// first read, slowly under the race detector.
			mc := newMemCache()
			c, _ := newTestClient(t, hub.URL, func(c *Config) { c.Token = tt.token; c.Cache = mc; c.Timeout = time.Minute })
			repo, _ := hub.Repo(tt.id)
			_, stats, err := c.GGUFInfo(context.Background(), tt.id, repo.SHA, tt.file)
			require.Error(t, err)
			assert.True(t, IsKind(err, tt.kind), "%v", err)
			assert.Contains(t, err.Error(), tt.msg)
			assert.NotContains(t, err.Error(), "\n")
			assert.NotContains(t, err.Error(), testToken)
			assert.LessOrEqual(t, stats.Requests, tt.maxRequests)
			assert.LessOrEqual(t, stats.Bytes, int64(GGUFMaxBytes))
			assert.Equal(t, len(hub.Requests()), stats.Requests)
			for _, r := range hub.Requests() {
				assert.LessOrEqual(t, rangeLen(r.Header.Get("Range")), int64(GGUFChunk))
			}
			// The same run asks nothing again: the same error comes back.
			hub.ResetRequests()
			_, stats, again := c.GGUFInfo(context.Background(), tt.id, repo.SHA, tt.file)
			assert.Equal(t, err, again)
			assert.True(t, stats.FromCache)
			assert.Zero(t, hub.Count(hubtest.RouteAny), "answered once in this run")
			// The next run: an unreadable header is cached at its commit,
			// a refusal is asked again.
			next, _ := newTestClient(t, hub.URL, func(c *Config) { c.Token = tt.token; c.Cache = mc; c.Timeout = time.Minute })
			_, stats, again = next.GGUFInfo(context.Background(), tt.id, repo.SHA, tt.file)
			require.Error(t, again)
			if tt.unreadable {
				assert.Equal(t, err.Error(), again.Error(), "the same message")
				assert.True(t, IsKind(again, BadResponse))
				assert.True(t, stats.FromCache)
				assert.Zero(t, hub.Count(hubtest.RouteAny), "an unreadable header is cached")
			} else {
				assert.True(t, IsKind(again, tt.kind), "%v", again)
				assert.Positive(t, hub.Count(hubtest.RouteAny), "a refusal is asked again by the next run")
			}
		})
	}

	// The granted token reads the gated file.
	c, _ := newTestClient(t, hub.URL, func(c *Config) { c.Token = "hf_granted" }, patient)
	repo, _ := hub.Repo("acme/gated-GGUF")
	info, _, err := c.GGUFInfo(context.Background(), repo.ID, repo.SHA, "m-F16.gguf")
	require.NoError(t, err)
	assert.Equal(t, "gemma3", info.Architecture)
}

// absurdHeader is a GGUF v3 header whose tokenizer claims 10^12 tokens.
func absurdHeader() []byte {
	var b bytes.Buffer
	le := binary.LittleEndian
	str := func(s string) {
		binary.Write(&b, le, uint64(len(s)))
		b.WriteString(s)
	}
	b.WriteString("GGUF")
	binary.Write(&b, le, uint32(3))
	binary.Write(&b, le, uint64(0)) // tensors
	binary.Write(&b, le, uint64(2)) // key/values
	str("general.architecture")
	binary.Write(&b, le, uint32(gguf.TypeString))
	str("llama")
	str("tokenizer.ggml.tokens")
	binary.Write(&b, le, uint32(gguf.TypeArray))
	binary.Write(&b, le, uint32(gguf.TypeString))
	binary.Write(&b, le, uint64(1_000_000_000_000))
	for i := 0; i < 1000; i++ {
		str(fmt.Sprintf("tok%d", i))
	}
	return b.Bytes()
}

// rangeServer serves content (then zeros up to size) honouring Range,
// after a redirect from /resolve/ to /storage/ on the same server when
// redirect is set, counting requests.
func rangeServer(t *testing.T, content []byte, size int64, hits *atomic.Int32) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		var a, b int64
		if _, err := fmt.Sscanf(r.Header.Get("Range"), "bytes=%d-%d", &a, &b); err != nil || b < a || a >= size {
			w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
			return
		}
		b = min(b, size-1)
		body := make([]byte, b-a+1)
		if a < int64(len(content)) {
			copy(body, content[a:])
		}
		w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", a, b, size))
		w.WriteHeader(http.StatusPartialContent)
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestGGUFInfoAbsurdCount(t *testing.T) {
	var hits atomic.Int32
	srv := rangeServer(t, absurdHeader(), 1<<40, &hits)
	c, _ := newTestClient(t, srv.URL)
	_, stats, err := c.GGUFInfo(context.Background(), "acme/absurd", strings.Repeat("a", 40), "m.gguf")
	require.Error(t, err)
	assert.True(t, IsKind(err, BadResponse), "%v", err)
	assert.Contains(t, err.Error(), "1000000000000")
	assert.LessOrEqual(t, stats.Bytes, int64(GGUFMaxBytes))
	assert.LessOrEqual(t, int(hits.Load()), GGUFMaxBytes/GGUFChunk)
}

func TestGGUFInfoBadContentRange(t *testing.T) {
	head, err := gguf.NewPreset(gguf.PresetQwen25_05B, gguf.F16)
	require.NoError(t, err)
	var buf bytes.Buffer
	_, err = head.WriteHeader(&buf)
	require.NoError(t, err)
	tests := []struct {
		name, contentRange string
		status             int
		encoding           string
	}{
		{"another start", "bytes 1-100/1000000", 206, ""},
		{"more than asked", "bytes 0-3000000/4000000", 206, ""},
		{"no Content-Range", "", 206, ""},
		{"garbage", "bytes x-y/z", 206, ""},
		{"compressed", "bytes 0-99/1000", 206, "gzip"},
		{"unexpected status", "", 204, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.contentRange != "" {
					w.Header().Set("Content-Range", tt.contentRange)
				}
				if tt.encoding != "" {
					w.Header().Set("Content-Encoding", tt.encoding)
				}
				w.WriteHeader(tt.status)
				w.Write(buf.Bytes()[:100])
			}))
			defer srv.Close()
			c, _ := newTestClient(t, srv.URL)
			_, _, err := c.GGUFInfo(context.Background(), "acme/x", strings.Repeat("b", 40), "m.gguf")
			require.Error(t, err)
			assert.True(t, IsKind(err, BadResponse), "%v", err)
			assert.NotContains(t, err.Error(), "\n")
		})
	}
}

// The Authorization header reaches the endpoint's origin and never the
// origin it redirects to, even when only the port differs, and chunks
// after the first go straight to the storage.
func TestGGUFInfoTokenNeverLeavesTheOrigin(t *testing.T) {
	f, err := gguf.NewPreset(gguf.PresetGemma3_1B, gguf.Q8_0)
	require.NoError(t, err)
	var head bytes.Buffer
	_, err = f.WriteHeader(&head)
	require.NoError(t, err)
	// The storage answers at most 256 bytes per request (a server may send
	// less than asked), so the read needs several chunks.
	var storageAuth, hubAuth []string
	var storageHits atomic.Int32
	storage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		storageHits.Add(1)
		storageAuth = append(storageAuth, r.Header.Get("Authorization"))
		var a, b int64
		fmt.Sscanf(r.Header.Get("Range"), "bytes=%d-%d", &a, &b)
		b = min(b, a+255)
		body := make([]byte, b-a+1)
		copy(body, head.Bytes()[min(a, int64(head.Len())):])
		w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", a, b, 1<<30))
		w.WriteHeader(http.StatusPartialContent)
		w.Write(body)
	}))
	defer storage.Close()
	hubSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hubAuth = append(hubAuth, r.Header.Get("Authorization"))
		http.Redirect(w, r, storage.URL+"/signed?X-Amz-Signature=abc", http.StatusFound)
	}))
	defer hubSrv.Close()
	require.NotEqual(t, hubSrv.URL, storage.URL)

	c, _ := newTestClient(t, hubSrv.URL)
	info, stats, err := c.GGUFInfo(context.Background(), "google/gemma-3-1b-it-GGUF", strings.Repeat("c", 40), "m.gguf")
	require.NoError(t, err)
	assert.Equal(t, "gemma3", info.Architecture)
	assert.Equal(t, []string{"Bearer " + testToken}, hubAuth, "one request to the Hub, with the token")
	require.Greater(t, len(storageAuth), 1)
	for i, a := range storageAuth {
		assert.Empty(t, a, "storage request %d carried the Authorization header", i)
	}
	assert.Equal(t, 1+int(storageHits.Load()), stats.Requests)
}

func TestGGUFInfoRefusesBeforeAsking(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL)
	sha := strings.Repeat("d", 40)
	for _, tt := range []struct{ id, sha, file string }{
		{"a/b", "main", "m.gguf"},
		{"a/b", sha, ""},
		{"a/b", sha, "../m.gguf"},
		{"a/b", sha, "x//m.gguf"},
		{"a/b", sha, "/m.gguf"},
		{"a/b", sha, "m\n.gguf"},
		{"a/b", sha, `a\m.gguf`},
		{"a b", sha, "m.gguf"},
	} {
		_, _, err := c.GGUFInfo(context.Background(), tt.id, tt.sha, tt.file)
		assert.True(t, IsKind(err, Invalid), "%q %q %q: %v", tt.id, tt.sha, tt.file, err)
	}
	assert.Zero(t, hits.Load())

	// Offline with nothing cached: an Offline error, no request.
	off, _ := newTestClient(t, srv.URL, func(c *Config) { c.Offline = true; c.Cache = newMemCache() })
	_, _, err := off.GGUFInfo(context.Background(), "a/b", sha, "m.gguf")
	assert.True(t, IsKind(err, Offline), "%v", err)
	assert.Zero(t, hits.Load())
}

func TestParseContentRange(t *testing.T) {
	tests := []struct {
		in                string
		start, end, total int64
		ok                bool
	}{
		{"bytes 0-99/1000", 0, 99, 1000, true},
		{"bytes 5-5/*", 5, 5, -1, true},
		{"bytes */1000", -1, -1, 1000, true},
		{"bytes */*", 0, 0, 0, false},
		{"bytes 0-1000/1000", 0, 0, 0, false},
		{"bytes 9-3/100", 0, 0, 0, false},
		{"bytes -1-3/100", 0, 0, 0, false},
		{"items 0-1/2", 0, 0, 0, false},
		{"", 0, 0, 0, false},
		{"bytes 0-99999999999999999999/1", 0, 0, 0, false},
	}
	for _, tt := range tests {
		s, e, n, ok := parseContentRange(tt.in)
		assert.Equal(t, tt.ok, ok, tt.in)
		if tt.ok {
			assert.Equal(t, []int64{tt.start, tt.end, tt.total}, []int64{s, e, n}, tt.in)
		}
	}
}

// The in-process fake Hub (no socket, as --demo uses it) serves the file
// storage origin too.
func TestGGUFInfoInProcess(t *testing.T) {
	hub := hubtest.NewInProcess(hubtest.Options{})
	c, _ := newTestClient(t, hub.URL, anonymous, func(c *Config) { c.Transport = hub.RoundTripper() }, patient)
	repo, _ := hub.Repo("ggml-org/gemma-3-1b-it-GGUF")
	info, stats, err := c.GGUFInfo(context.Background(), repo.ID, repo.SHA, "gemma-3-1b-it-Q8_0.gguf")
	require.NoError(t, err)
	assert.Equal(t, "gemma3", info.Architecture)
	assert.Equal(t, uint64(262144), info.VocabSize)
	assert.Equal(t, 2, stats.Requests)
	assert.Equal(t, 1, hub.Count(hubtest.RouteFiles))
	checkReads(t, hub, "")
}

// Concurrent reads of one header (collapsed into one read when they
// overlap) agree, and each caller gets its own slices.
func TestGGUFInfoConcurrentCalls(t *testing.T) {
	hub := hubtesting.New(t, hubtest.Options{})
	c, _ := newTestClient(t, hub.URL, patient)
	repo, _ := hub.Repo("Qwen/Qwen2.5-0.5B-Instruct-GGUF")
	const n = 8
	infos := make([]gguf.Info, n)
	errs := make([]error, n)
	done := make(chan int)
	for i := range n {
		go func() {
			infos[i], _, errs[i] = c.GGUFInfo(context.Background(), repo.ID, repo.SHA, "qwen2.5-0.5b-instruct-q8_0.gguf")
			done <- i
		}()
	}
	for range n {
		<-done
	}
	for i := range n {
		require.NoError(t, errs[i])
		assert.Equal(t, infos[0], infos[i])
	}
	infos[0].HeadCountKV[0] = 99
	assert.Equal(t, uint64(2), infos[1].HeadCountKV[0])
}

// authTransport gives the token to the endpoint's origin (scheme, host and
// port) and strips any Authorization header from every other request.
func TestAuthTransportOrigins(t *testing.T) {
	var got http.Header
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		got = r.Header.Clone()
		return &http.Response{StatusCode: 204, Body: http.NoBody, Request: r}, nil
	})
	at := &authTransport{next: rt, scheme: "https", host: "huggingface.co", token: testToken, sent: &atomic.Int64{}}
	tests := []struct {
		url, preset string
		want        string
	}{
		{"https://huggingface.co/a/b/resolve/x/m.gguf", "", "Bearer " + testToken},
		{"https://HuggingFace.co/a", "", "Bearer " + testToken},
		{"https://huggingface.co:8443/a", "", ""},
		{"https://huggingface.co:443/a", "", ""}, // an explicit port is another spelling: refused, the safe way
		{"http://huggingface.co/a", "", ""},
		{"https://cas-bridge.xethub.hf.co/x", "", ""},
		{"https://cdn-lfs.huggingface.co/x", "", ""},
		{"https://cas-bridge.xethub.hf.co/x", "Bearer leaked", ""},
	}
	for _, tt := range tests {
		req, err := http.NewRequest(http.MethodGet, tt.url, nil)
		require.NoError(t, err)
		if tt.preset != "" {
			req.Header.Set("Authorization", tt.preset)
		}
		_, err = at.RoundTrip(req)
		require.NoError(t, err)
		assert.Equal(t, tt.want, got.Get("Authorization"), tt.url)
		assert.Equal(t, tt.preset, req.Header.Get("Authorization"), "the caller's request was changed")
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// A failing chunk is retried like any request (503 at the storage once).
func TestGGUFInfoRetriesAChunk(t *testing.T) {
	hub := hubtesting.New(t, hubtest.Options{})
	hub.Fail(hubtest.Fault{Route: hubtest.RouteFiles, Status: 503, Times: 1})
	c, sl := newTestClient(t, hub.URL, patient)
	repo, _ := hub.Repo("Qwen/Qwen2.5-0.5B-Instruct-GGUF")
	info, stats, err := c.GGUFInfo(context.Background(), repo.ID, repo.SHA, "qwen2.5-0.5b-instruct-q4_0.gguf")
	require.NoError(t, err)
	assert.Equal(t, "qwen2", info.Architecture)
	assert.Equal(t, 4, stats.Requests, "503 (redirect + storage), then the retry (redirect + storage)")
	assert.Len(t, sl.all(), 1)
}

// Refresh reads the header again instead of serving the cached one;
// Offline serves the cached one.
func TestGGUFInfoRefreshAndOffline(t *testing.T) {
	hub := hubtesting.New(t, hubtest.Options{})
	mc, clk := newMemCache(), newClock()
	repo, _ := hub.Repo("Qwen/Qwen2.5-0.5B-Instruct-GGUF")
	file := "qwen2.5-0.5b-instruct-q6_k.gguf"
	c := cachedClient(t, hub.URL, mc, clk, patient)
	_, _, err := c.GGUFInfo(context.Background(), repo.ID, repo.SHA, file)
	require.NoError(t, err)

	hub.ResetRequests()
	refresh := cachedClient(t, hub.URL, mc, clk, func(c *Config) { c.Refresh = true }, patient)
	_, stats, err := refresh.GGUFInfo(context.Background(), repo.ID, repo.SHA, file)
	require.NoError(t, err)
	assert.False(t, stats.FromCache)
	assert.Equal(t, 2, hub.Count(hubtest.RouteAny))

	hub.ResetRequests()
	offline := cachedClient(t, hub.URL, mc, clk, func(c *Config) { c.Offline = true; c.Refresh = true }, patient)
	info, stats, err := offline.GGUFInfo(context.Background(), repo.ID, repo.SHA, file)
	require.NoError(t, err)
	assert.True(t, stats.FromCache)
	assert.Equal(t, uint64(24), info.BlockCount)
	assert.Zero(t, hub.Count(hubtest.RouteAny))
}

// When the storage refuses a later chunk (its signed URL expired), the
// read asks the Hub for a fresh URL once and goes on.
func TestGGUFInfoExpiredStorageURL(t *testing.T) {
	f, err := gguf.NewPreset(gguf.PresetLlama32_1B, gguf.F16)
	require.NoError(t, err)
	var head bytes.Buffer
	_, err = f.WriteHeader(&head)
	require.NoError(t, err)
	var storageHits, hubHits atomic.Int32
	storage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := storageHits.Add(1)
		if n == 2 || r.URL.Query().Get("sig") != "fresh" {
			w.WriteHeader(http.StatusForbidden) // expired
			return
		}
		var a, b int64
		fmt.Sscanf(r.Header.Get("Range"), "bytes=%d-%d", &a, &b)
		b = min(b, a+255)
		w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", a, b, 1<<30))
		w.WriteHeader(http.StatusPartialContent)
		w.Write(head.Bytes()[a : b+1])
	}))
	defer storage.Close()
	hubSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hubHits.Add(1)
		http.Redirect(w, r, storage.URL+"/x?sig=fresh", http.StatusFound)
	}))
	defer hubSrv.Close()
	c, _ := newTestClient(t, hubSrv.URL)
	info, stats, err := c.GGUFInfo(context.Background(), "a/b", strings.Repeat("e", 40), "m.gguf")
	require.NoError(t, err)
	assert.Equal(t, "llama", info.Architecture)
	assert.Equal(t, int32(2), hubHits.Load(), "the Hub was asked again for a fresh URL")
	assert.Equal(t, int(hubHits.Load()+storageHits.Load()), stats.Requests)

	// A storage that always refuses ends the read as Gated after one
	// fresh try, not in a loop.
	storageHits.Store(0)
	hubHits.Store(0)
	always := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		storageHits.Add(1)
		w.WriteHeader(http.StatusForbidden)
	}))
	defer always.Close()
	hub2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hubHits.Add(1)
		http.Redirect(w, r, always.URL+"/x", http.StatusFound)
	}))
	defer hub2.Close()
	c2, _ := newTestClient(t, hub2.URL)
	_, _, err = c2.GGUFInfo(context.Background(), "a/b", strings.Repeat("e", 40), "m.gguf")
	assert.True(t, IsKind(err, Gated), "%v", err)
	assert.Equal(t, int32(1), hubHits.Load(), "the first chunk came through the Hub already: no second try")
}

// A storage that cannot be reached after the Hub's redirect: each attempt
// counts both hops, and the network error is retried then returned.
func TestGGUFInfoStorageUnreachable(t *testing.T) {
	gone := httptest.NewServer(http.NotFoundHandler())
	goneURL := gone.URL
	gone.Close()
	var hubHits atomic.Int32
	hubSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hubHits.Add(1)
		http.Redirect(w, r, goneURL+"/x", http.StatusFound)
	}))
	defer hubSrv.Close()
	c, sl := newTestClient(t, hubSrv.URL)
	_, stats, err := c.GGUFInfo(context.Background(), "a/b", strings.Repeat("f", 40), "m.gguf")
	assert.True(t, IsKind(err, Network), "%v", err)
	assert.NotContains(t, err.Error(), testToken)
	assert.Equal(t, int32(DefaultMaxAttempts), hubHits.Load())
	assert.Equal(t, 2*DefaultMaxAttempts, stats.Requests)
	assert.Len(t, sl.all(), DefaultMaxAttempts-1)
}

// Through the on-disk cache the CLI uses, a second process reads the
// header and the file sizes with no request.
func TestGGUFInfoAndFilesOnDiskCache(t *testing.T) {
	hub := hubtesting.New(t, hubtest.Options{})
	dir := t.TempDir()
	repo, _ := hub.Repo("Qwen/Qwen2.5-0.5B-Instruct-GGUF")
	file := "qwen2.5-0.5b-instruct-q4_k_m.gguf"
	run := func() (gguf.Info, GGUFStats, int) {
		store, err := cache.Open(dir, cache.Options{})
		require.NoError(t, err)
		c, _ := newTestClient(t, hub.URL, func(c *Config) { c.Cache = store }, patient)
		_, err = c.Files(context.Background(), repo.ID, repo.SHA)
		require.NoError(t, err)
		info, stats, err := c.GGUFInfo(context.Background(), repo.ID, repo.SHA, file)
		require.NoError(t, err)
		return info, stats, hub.Count(hubtest.RouteAny)
	}
	first, stats, n := run()
	assert.False(t, stats.FromCache)
	assert.Equal(t, 3, n, "sizes, the Hub's redirect, the storage")
	hub.ResetRequests()
	second, stats, n := run()
	assert.True(t, stats.FromCache)
	assert.Zero(t, n)
	assert.Equal(t, first, second)
}
