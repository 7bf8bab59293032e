package hubtest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/gguf"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
)

const qwenGGUF = "Qwen/Qwen2.5-0.5B-Instruct-GGUF"

// open sends a GET (no redirect following) and returns the answer with
// its body unread; the caller closes it.
func open(t *testing.T, h hub, url string, header ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := h.rt.RoundTrip(req)
	require.NoError(t, err)
	return resp
}

func readAll(t *testing.T, resp *http.Response) []byte {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return b
}

func TestBlobsSizes(t *testing.T) {
	eachHub(t, hubtest.Options{}, func(t *testing.T, h hub) {
		repo, ok := h.Repo(qwenGGUF)
		require.True(t, ok)
		resp, body := get(t, h, "/api/models/"+qwenGGUF+"/revision/"+repo.SHA+"?blobs=true")
		require.Equal(t, 200, resp.StatusCode, string(body))
		var info struct {
			SHA      string `json:"sha"`
			Siblings []struct {
				RFilename string `json:"rfilename"`
				BlobID    string `json:"blobId"`
				Size      *int64 `json:"size"`
				LFS       *struct {
					SHA256      string `json:"sha256"`
					Size        int64  `json:"size"`
					PointerSize int    `json:"pointerSize"`
				} `json:"lfs"`
			} `json:"siblings"`
		}
		require.NoError(t, json.Unmarshal(body, &info))
		assert.Equal(t, repo.SHA, info.SHA)
		require.Len(t, info.Siblings, 11)
		quants := 0
		for _, s := range info.Siblings {
			require.NotNil(t, s.Size, s.RFilename)
			assert.Len(t, s.BlobID, 40)
			assert.Equal(t, repo.FileSize(s.RFilename), *s.Size, s.RFilename)
			if strings.HasSuffix(s.RFilename, ".gguf") {
				quants++
				require.NotNil(t, s.LFS, s.RFilename)
				assert.Equal(t, *s.Size, s.LFS.Size)
				assert.Len(t, s.LFS.SHA256, 64)
				assert.Equal(t, 125+len(strconv.FormatInt(*s.Size, 10)), s.LFS.PointerSize)
			} else {
				assert.Nil(t, s.LFS, s.RFilename)
			}
		}
		assert.Equal(t, 8, quants)
		assert.Equal(t, int64(415089312), repo.FileSize("qwen2.5-0.5b-instruct-q2_k.gguf"))
		assert.Equal(t, int64(1266425504), repo.FileSize("qwen2.5-0.5b-instruct-fp16.gguf"))

		// Without blobs, siblings stay names only.
		_, body = get(t, h, "/api/models/"+qwenGGUF)
		assert.NotContains(t, string(body), `"blobId"`)
		// The Hub refuses expand beside blobs.
		resp, body = get(t, h, "/api/models/"+qwenGGUF+"?blobs=true&expand[]=siblings")
		assert.Equal(t, 400, resp.StatusCode)
		assert.Contains(t, string(body), "blobs")
	})
}

func TestDefaultSizes(t *testing.T) {
	repos := map[string]hubtest.Repo{}
	for _, r := range hubtest.Fixtures() {
		repos[r.ID] = r
	}
	llama := repos["meta-llama/Llama-3.1-8B-Instruct"]
	// 8,030,261,248 BF16 parameters over four shards.
	assert.Equal(t, int64(8030261248*2/4+46_432), llama.FileSize("model-00001-of-00004.safetensors"))
	assert.Equal(t, int64(7305), llama.FileSize("tokenizer_config.json"))
	assert.Equal(t, int64(2471645608), llama.FileSize("original/consolidated.00.pth"))
	// Every file of every GGUF sample has a size of its own.
	for _, r := range repos {
		for _, f := range r.Files {
			if strings.HasSuffix(f, ".gguf") {
				_, ok := r.Sizes[f]
				assert.True(t, ok, "%s: %s has no size in samples/catalog.json", r.ID, f)
			}
		}
	}
}

// resolveGGUF follows the Hub's redirect by hand and returns the storage
// answer to a Range request.
func resolveGGUF(t *testing.T, h hub, id, rev, file, rng string, header ...string) *http.Response {
	t.Helper()
	resp := open(t, h, h.URL+"/"+id+"/resolve/"+rev+"/"+file, header...)
	body := readAll(t, resp)
	require.Equal(t, http.StatusFound, resp.StatusCode, string(body))
	loc := resp.Header.Get("Location")
	require.True(t, strings.HasPrefix(loc, h.FilesURL+"/"), "Location %q is not on the storage origin %q", loc, h.FilesURL)
	assert.NotEqual(t, h.URL, h.FilesURL)
	return open(t, h, loc, "Range", rng)
}

func TestResolveRedirectsToStorageWithRanges(t *testing.T) {
	eachHub(t, hubtest.Options{}, func(t *testing.T, h hub) {
		repo, _ := h.Repo(qwenGGUF)
		file := "qwen2.5-0.5b-instruct-q4_k_m.gguf"
		size := repo.FileSize(file)
		want, err := gguf.NewPreset(gguf.PresetQwen25_05B, gguf.Q4_0)
		require.NoError(t, err)
		var head bytes.Buffer
		_, err = want.WriteHeader(&head)
		require.NoError(t, err)

		resp := open(t, h, h.URL+"/"+qwenGGUF+"/resolve/main/"+file)
		readAll(t, resp)
		assert.Equal(t, strconv.FormatInt(size, 10), resp.Header.Get("X-Linked-Size"))
		assert.Equal(t, repo.SHA, resp.Header.Get("X-Repo-Commit"))

		tests := []struct {
			name, rng    string
			status       int
			contentRange string
			want         []byte
		}{
			{"first bytes", "bytes=0-1023", 206, "bytes 0-1023/" + strconv.FormatInt(size, 10), head.Bytes()[:1024]},
			{"across the header's end", "bytes=" + strconv.Itoa(head.Len()-4) + "-" + strconv.Itoa(head.Len()+3), 206,
				"bytes " + strconv.Itoa(head.Len()-4) + "-" + strconv.Itoa(head.Len()+3) + "/" + strconv.FormatInt(size, 10),
				append(append([]byte{}, head.Bytes()[head.Len()-4:]...), 0, 0, 0, 0)},
			{"suffix", "bytes=-8", 206, "bytes " + strconv.FormatInt(size-8, 10) + "-" + strconv.FormatInt(size-1, 10) + "/" + strconv.FormatInt(size, 10), make([]byte, 8)},
			{"end past the size", "bytes=" + strconv.FormatInt(size-2, 10) + "-" + strconv.FormatInt(size+100, 10), 206,
				"bytes " + strconv.FormatInt(size-2, 10) + "-" + strconv.FormatInt(size-1, 10) + "/" + strconv.FormatInt(size, 10), make([]byte, 2)},
			{"past the end", "bytes=" + strconv.FormatInt(size, 10) + "-", 416, "bytes */" + strconv.FormatInt(size, 10), nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				resp := resolveGGUF(t, h, qwenGGUF, repo.SHA, file, tt.rng)
				body := readAll(t, resp)
				assert.Equal(t, tt.status, resp.StatusCode)
				assert.Equal(t, tt.contentRange, resp.Header.Get("Content-Range"))
				if tt.want != nil {
					assert.Equal(t, tt.want, body)
				}
			})
		}

		// No Range: the whole file, 200, streamed; read a little and hang up.
		resp = resolveGGUF(t, h, qwenGGUF, "main", file, "")
		assert.Equal(t, 200, resp.StatusCode)
		assert.Equal(t, size, resp.ContentLength)
		first := make([]byte, 4)
		_, err = io.ReadFull(resp.Body, first)
		require.NoError(t, err)
		assert.Equal(t, "GGUF", string(first))
		resp.Body.Close()

		// A storage URL whose signature is not the Hub's is refused.
		loc := h.StorageURL(qwenGGUF, repo.SHA, file)
		resp = open(t, h, strings.Replace(loc, "Signature=", "Signature=0", 1))
		readAll(t, resp)
		assert.Equal(t, 403, resp.StatusCode)

		// The storage requests are recorded on their own route and host.
		var files []hubtest.Request
		for _, r := range h.Requests() {
			if r.Route == hubtest.RouteFiles {
				files = append(files, r)
			}
		}
		require.NotEmpty(t, files)
		assert.Equal(t, strings.TrimPrefix(h.FilesURL, "http://"), files[0].Host)
	})
}

func TestIgnoreRangeFault(t *testing.T) {
	eachHub(t, hubtest.Options{}, func(t *testing.T, h hub) {
		h.Fail(hubtest.Fault{Route: hubtest.RouteFiles, IgnoreRange: true, Times: 1})
		resp := resolveGGUF(t, h, qwenGGUF, "main", "qwen2.5-0.5b-instruct-q2_k.gguf", "bytes=0-99")
		defer resp.Body.Close()
		assert.Equal(t, 200, resp.StatusCode)
		assert.Empty(t, resp.Header.Get("Content-Range"))
		assert.Equal(t, int64(415089312), resp.ContentLength)
	})
}

// Every GGUF file of the samples starts with a header the reader takes, of
// the shape its repo announces.
func TestSampleHeadersReadBack(t *testing.T) {
	h := hub{}
	s := hubtest.NewInProcess(hubtest.Options{})
	h.Server, h.rt = s, s.RoundTripper()
	for _, r := range hubtest.Fixtures() {
		if r.GGUFHeader == nil {
			continue
		}
		for _, f := range r.Files {
			if !strings.HasSuffix(f, ".gguf") {
				continue
			}
			t.Run(r.ID+"/"+f, func(t *testing.T) {
				resp := resolveGGUF(t, h, r.ID, "main", f, "bytes=0-16777215")
				defer resp.Body.Close()
				require.Equal(t, 206, resp.StatusCode)
				info, n, err := gguf.ReadCount(resp.Body, 16<<20)
				require.NoError(t, err)
				assert.Less(t, n, int64(8<<20))
				if strings.Contains(f, "mmproj") {
					assert.Equal(t, "clip", info.Architecture, "a projector is a clip file")
					return
				}
				assert.Equal(t, r.GGUF.Architecture, info.Architecture)
				if info.Architecture != "clip" {
					assert.Empty(t, info.Missing())
				}
				if p := r.GGUFHeader.Preset; p != "" {
					sh, err := gguf.PresetShape(p)
					require.NoError(t, err)
					assert.Equal(t, sh.Blocks, info.BlockCount)
					assert.Equal(t, sh.Embedding, info.EmbeddingLength)
					assert.Equal(t, []uint64{sh.HeadsKV}, info.HeadCountKV)
					assert.Equal(t, uint64(sh.Vocab), info.VocabSize)
				}
			})
		}
	}
}

func TestGatedAndTruncatedFiles(t *testing.T) {
	eachHub(t, hubtest.Options{GatedTokens: []string{"hf_granted"}}, func(t *testing.T, h hub) {
		h.AddRepos(
			hubtest.Repo{ID: "acme/gated-GGUF", Gated: "manual", Files: []string{"m-Q8_0.gguf"},
				Sizes: map[string]int64{"m-Q8_0.gguf": 1 << 30}, GGUFHeader: &hubtest.GGUFHeader{Preset: gguf.PresetGemma3_1B}},
			hubtest.Repo{ID: "acme/short-GGUF", Files: []string{"m-F16.gguf"},
				Sizes: map[string]int64{"m-F16.gguf": 300}, GGUFHeader: &hubtest.GGUFHeader{Preset: gguf.PresetQwen25_05B}},
		)
		resp := open(t, h, h.URL+"/acme/gated-GGUF/resolve/main/m-Q8_0.gguf")
		readAll(t, resp)
		assert.Equal(t, 401, resp.StatusCode)
		assert.Equal(t, "GatedRepo", resp.Header.Get("X-Error-Code"))
		resp = open(t, h, h.URL+"/acme/gated-GGUF/resolve/main/m-Q8_0.gguf", "Authorization", "Bearer hf_other")
		readAll(t, resp)
		assert.Equal(t, 403, resp.StatusCode)
		resp = resolveGGUF(t, h, "acme/gated-GGUF", "main", "m-Q8_0.gguf", "bytes=0-3", "Authorization", "Bearer hf_granted")
		assert.Equal(t, "GGUF", string(readAll(t, resp)))

		// A file smaller than its header is the header cut at its size.
		resp = resolveGGUF(t, h, "acme/short-GGUF", "main", "m-F16.gguf", "bytes=0-2097151")
		body := readAll(t, resp)
		assert.Equal(t, 206, resp.StatusCode)
		assert.Equal(t, "bytes 0-299/300", resp.Header.Get("Content-Range"))
		assert.Len(t, body, 300)
		_, err := gguf.Read(bytes.NewReader(body), 16<<20)
		assert.ErrorIs(t, err, gguf.ErrTruncated)
	})
}

func TestHeaderKVTypes(t *testing.T) {
	good := hubtest.GGUFHeader{KV: []hubtest.HeaderKV{
		{Key: "general.architecture", Type: "string", Value: "llama"},
		{Key: "llama.block_count", Type: "uint32", Value: json.Number("16")},
		{Key: "llama.attention.head_count_kv", Type: "[int32]", Value: []any{json.Number("8"), json.Number("0")}},
		{Key: "llama.rope.freq_base", Type: "float32", Value: json.Number("500000")},
		{Key: "x.flag", Type: "bool", Value: true},
		{Key: "x.big", Type: "uint64", Value: json.Number("18446744073709551615")},
		{Key: "tokenizer.ggml.tokens", Type: "[string]", Len: 5},
	}}
	f, err := good.File("m.gguf")
	require.NoError(t, err)
	require.Len(t, f.KVs, 7)
	assert.Equal(t, uint32(16), f.KVs[1].Value)
	assert.Equal(t, []int32{8, 0}, f.KVs[2].Value)
	assert.Equal(t, float32(500000), f.KVs[3].Value)
	assert.Equal(t, uint64(18446744073709551615), f.KVs[5].Value)

	for _, bad := range []hubtest.HeaderKV{
		{Key: "k", Type: "uint8", Value: json.Number("256")},
		{Key: "k", Type: "uint32", Value: json.Number("-1")},
		{Key: "k", Type: "int8", Value: json.Number("1.5")},
		{Key: "k", Type: "int64", Value: json.Number("18446744073709551615")},
		{Key: "k", Type: "uint64", Value: json.Number("-3")},
		{Key: "k", Type: "string", Value: json.Number("3")},
		{Key: "k", Type: "[uint32]", Value: "no"},
		{Key: "k", Type: "[uint32", Value: []any{}},
		{Key: "k", Type: "complex", Value: json.Number("1")},
	} {
		_, err := (&hubtest.GGUFHeader{KV: []hubtest.HeaderKV{bad}}).File("m.gguf")
		assert.Error(t, err, "%+v", bad)
	}
}

// Each file's header is written with the weights its quant label names,
// and a repo replaced by AddRepos serves its new header.
func TestHeaderFollowsLabelAndReplacement(t *testing.T) {
	eachHub(t, hubtest.Options{}, func(t *testing.T, h hub) {
		first := func(id, file string) []byte {
			return readAll(t, resolveGGUF(t, h, id, "main", file, "bytes=0-4095"))
		}
		preset := func(name string, w gguf.GGMLType) []byte {
			f, err := gguf.NewPreset(name, w)
			require.NoError(t, err)
			var b bytes.Buffer
			_, err = f.WriteHeader(&b)
			require.NoError(t, err)
			return b.Bytes()[:4096]
		}
		assert.Equal(t, preset(gguf.PresetQwen25_05B, gguf.F16), first(qwenGGUF, "qwen2.5-0.5b-instruct-fp16.gguf"))
		assert.Equal(t, preset(gguf.PresetQwen25_05B, gguf.Q8_0), first(qwenGGUF, "qwen2.5-0.5b-instruct-q8_0.gguf"))
		assert.Equal(t, preset(gguf.PresetQwen25_05B, gguf.Q4_0), first(qwenGGUF, "qwen2.5-0.5b-instruct-q2_k.gguf"))

		repo, _ := h.Repo(qwenGGUF)
		repo.GGUFHeader = &hubtest.GGUFHeader{Preset: gguf.PresetLlama32_1B}
		h.AddRepos(repo)
		assert.Equal(t, preset(gguf.PresetLlama32_1B, gguf.F16), first(qwenGGUF, "qwen2.5-0.5b-instruct-fp16.gguf"))
	})
}
