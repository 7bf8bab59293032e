package hf

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/cache"
	"github.com/modelbrowser/modelbrowser/internal/fit"
)

const blobsFixture = "testdata/blobs/info-blobs__unsloth__Qwen3.8-27B-GGUF.json"
const blobsSHA = "a6f2c1e9b3d4075f8e21c0d9b7a4e3f2c1d0b9a8"

func u64(v uint64) *uint64 { return &v }

// sizesOf maps each file's path to its size (-1 unknown).
func sizesOf(files []fit.File) map[string]int64 {
	out := map[string]int64{}
	for _, f := range files {
		if f.Size == nil {
			out[f.Path] = -1
		} else {
			out[f.Path] = int64(*f.Size)
		}
	}
	return out
}

func TestDecodeFilesRecordedShape(t *testing.T) {
	body, err := os.ReadFile(blobsFixture)
	require.NoError(t, err)
	files, err := DecodeFiles(body, blobsSHA, "fixture")
	require.NoError(t, err)
	// The sizes of the real tree listing the fixture was made from.
	assert.Equal(t, map[string]int64{
		".gitattributes": 2841,
		"BF16/Qwen3.8-27B-BF16-00001-of-00002.gguf": 49986159616,
		"BF16/Qwen3.8-27B-BF16-00002-of-00002.gguf": 4671576000,
		"MTP/mtp-Qwen3.8-27B-Q4_0.gguf":             1369590656,
		"Qwen3.8-27B-Q8_0.gguf":                     29047086048,
		"Qwen3.8-27B-UD-IQ1_S.gguf":                 6192222208,
		"Qwen3.8-27B-UD-Q4_K_M.gguf":                16464440224,
		"README.md":                                 1234,
		"config.json":                               2367,
		"imatrix_unsloth.gguf":                      13642656,
		"mmproj-BF16.gguf":                          931146432,
		"mmproj-F16.gguf":                           927607488,
	}, sizesOf(files))

	// The list feeds fit.Variants as is: the split BF16 is one variant of
	// the sum of its parts; mmproj, imatrix and MTP are never variants.
	l := fit.Variants(fit.Repo{Files: files})
	bf16, ok := l.Variant("BF16")
	require.True(t, ok, "variants: %+v", l.Variants)
	assert.True(t, bf16.Complete)
	assert.True(t, bf16.SizeKnown)
	assert.Equal(t, uint64(49986159616+4671576000), bf16.Size)
	assert.Len(t, l.Variants, 4)
}

func TestDecodeFilesSizes(t *testing.T) {
	tests := []struct {
		name string
		sib  string
		want *uint64
	}{
		{"size only", `{"rfilename":"a","size":313}`, u64(313)},
		{"lfs wins", `{"rfilename":"a","size":134,"lfs":{"size":440473133,"sha256":"x","pointerSize":134}}`, u64(440473133)},
		{"lfs without size keeps size", `{"rfilename":"a","size":7,"lfs":{"sha256":"x"}}`, u64(7)},
		{"bad lfs size keeps size", `{"rfilename":"a","size":7,"lfs":{"size":-1}}`, u64(7)},
		{"lfs not an object", `{"rfilename":"a","size":7,"lfs":"big"}`, u64(7)},
		{"zero", `{"rfilename":"a","size":0}`, u64(0)},
		{"absent", `{"rfilename":"a"}`, nil},
		{"null", `{"rfilename":"a","size":null}`, nil},
		{"string", `{"rfilename":"a","size":"313"}`, nil},
		{"negative", `{"rfilename":"a","size":-5}`, nil},
		{"fraction", `{"rfilename":"a","size":1.5}`, nil},
		{"whole with a fraction part", `{"rfilename":"a","size":313.0}`, u64(313)},
		{"exponent", `{"rfilename":"a","size":4e9}`, u64(4000000000)},
		{"huge exponent", `{"rfilename":"a","size":1e30}`, nil},
		// One file over 1 PiB is no real file: unknown, not a figure that
		// prints as "8589934592.0 GiB" or saturates a variant's sum.
		{"1 PiB", `{"rfilename":"a","size":1125899906842624}`, u64(1 << 50)},
		{"over 1 PiB", `{"rfilename":"a","size":1125899906842625}`, nil},
		{"over 1 PiB as an exponent", `{"rfilename":"a","size":2e15}`, nil},
		{"over 1 PiB in lfs keeps size", `{"rfilename":"a","size":7,"lfs":{"size":1125899906842625}}`, u64(7)},
		{"max int64", `{"rfilename":"a","size":9223372036854775807}`, nil},
		{"over int64", `{"rfilename":"a","size":9223372036854775808}`, nil},
		{"bool", `{"rfilename":"a","size":true}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files, err := DecodeFiles([]byte(`{"siblings":[`+tt.sib+`]}`), "", "test")
			require.NoError(t, err)
			require.Len(t, files, 1)
			assert.Equal(t, "a", files[0].Path)
			assert.Equal(t, tt.want, files[0].Size)
		})
	}
}

func TestDecodeFilesShapes(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		paths   []string
		wantErr string
	}{
		{"no siblings", `{"id":"a/b"}`, nil, "has no siblings array"},
		{"null siblings", `{"siblings":null}`, nil, "has no siblings array"},
		{"empty siblings", `{"siblings":[]}`, []string{}, ""},
		{"siblings not an array", `{"siblings":{"a":1}}`, nil, "is not a model info object"},
		{"not json", `<html>`, nil, "is not a model info object"},
		{"an array", `[1,2]`, nil, "is not a model info object"},
		{"unusable siblings are skipped", `{"siblings":[1,null,{"size":3},{"rfilename":5},{"rfilename":""},{"rfilename":"ok","size":1}]}`, []string{"ok"}, ""},
		{"other commit", `{"sha":"0000000000000000000000000000000000000000","siblings":[]}`, nil, "names commit"},
		{"same commit", `{"sha":"` + blobsSHA + `","siblings":[{"rfilename":"x"}]}`, []string{"x"}, ""},
		{"duplicate keys", `{"siblings":[],"siblings":[{"rfilename":"y"}]}`, []string{"y"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files, err := DecodeFiles([]byte(tt.body), blobsSHA, "the file list of a/b")
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.True(t, IsKind(err, BadResponse), "%v", err)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.NotContains(t, err.Error(), "\n")
				return
			}
			require.NoError(t, err)
			paths := []string{}
			for _, f := range files {
				paths = append(paths, f.Path)
			}
			assert.Equal(t, tt.paths, paths)
		})
	}
}

func TestFilesRequestAndForeverCache(t *testing.T) {
	body, err := os.ReadFile(blobsFixture)
	require.NoError(t, err)
	var hits atomic.Int32
	var gotPath, gotQuery string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		gotPath, gotQuery = r.URL.EscapedPath(), r.URL.RawQuery
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(body)
	}))
	defer srv.Close()
	mc, clk := newMemCache(), newClock()
	c := cachedClient(t, srv.URL, mc, clk)
	ctx := context.Background()

	files, err := c.Files(ctx, "unsloth/Qwen3.8-27B-GGUF", blobsSHA)
	require.NoError(t, err)
	assert.Len(t, files, 12)
	assert.Equal(t, "/api/models/unsloth/Qwen3.8-27B-GGUF/revision/"+blobsSHA, gotPath)
	assert.Equal(t, "blobs=true", gotQuery, "no expand[] beside blobs")
	require.Equal(t, int32(1), hits.Load())

	// A year later the sizes at that commit are still served from the cache.
	clk.advance(365 * 24 * time.Hour)
	again, err := c.Files(ctx, "unsloth/Qwen3.8-27B-GGUF", blobsSHA)
	require.NoError(t, err)
	assert.Equal(t, files, again)
	assert.Equal(t, int32(1), hits.Load(), "the second call made a request")
	// The caller owns its slice: changing it does not change the cache.
	again[0].Path = "changed"
	third, err := c.Files(ctx, "unsloth/Qwen3.8-27B-GGUF", blobsSHA)
	require.NoError(t, err)
	assert.Equal(t, files[0].Path, third[0].Path)
}

func TestFilesRefusesBeforeAsking(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL)
	for _, tt := range []struct{ id, sha string }{
		{"a/b", "main"},
		{"a/b", ""},
		{"a/b", "A6F2C1E9B3D4075F8E21C0D9B7A4E3F2C1D0B9A8"},
		{"a/b", blobsSHA + "0"},
		{"../x", blobsSHA},
	} {
		_, err := c.Files(context.Background(), tt.id, tt.sha)
		assert.True(t, IsKind(err, Invalid), "%q %q: %v", tt.id, tt.sha, err)
	}
	assert.Zero(t, hits.Load())
}

func TestConfigJSONSharesResolveContextEntry(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/a/b/resolve/main/config.json", "/a/b/resolve/" + blobsSHA + "/config.json":
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"model_type":"qwen2","num_hidden_layers":24,"max_position_embeddings":32768}`))
		case "/a/null/resolve/main/config.json":
			w.Write([]byte(`null`))
		case "/a/list/resolve/main/config.json":
			w.Write([]byte(`[1]`))
		default:
			w.Header().Set("X-Error-Code", "EntryNotFound")
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	defer srv.Close()
	mc, clk := newMemCache(), newClock()
	c := cachedClient(t, srv.URL, mc, clk)
	ctx := context.Background()

	cfg, err := c.ConfigJSON(ctx, "a/b", "")
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"model_type": "qwen2", "num_hidden_layers": 24.0, "max_position_embeddings": 32768.0}, cfg)
	_, err = c.ConfigJSON(ctx, "a/b", "main")
	require.NoError(t, err)
	assert.Equal(t, int32(1), hits.Load(), `"" and "main" are one request`)
	// The very entry ResolveContext uses: its URL at main, with this token.
	_, ok := mc.Get(cache.Key(http.MethodGet, srv.URL+"/a/b/resolve/main/config.json", cache.TokenFingerprint(testToken)))
	assert.True(t, ok, "ConfigJSON stored its answer under another key than ResolveContext's")

	// At a commit: cached forever.
	_, err = c.ConfigJSON(ctx, "a/b", blobsSHA)
	require.NoError(t, err)
	clk.advance(1000 * time.Hour)
	_, err = c.ConfigJSON(ctx, "a/b", blobsSHA)
	require.NoError(t, err)
	assert.Equal(t, int32(2), hits.Load())

	for _, tt := range []struct {
		id   string
		kind Kind
	}{{"a/null", BadResponse}, {"a/list", BadResponse}, {"a/missing", NotFound}} {
		_, err := c.ConfigJSON(ctx, tt.id, "")
		assert.True(t, IsKind(err, tt.kind), "%s: %v", tt.id, err)
	}
}
