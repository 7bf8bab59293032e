package hubtest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest/hubtesting"
)

var fullExpand = []string{"author", "cardData", "config", "downloads", "gated", "gguf", "lastModified",
	"library_name", "likes", "pipeline_tag", "safetensors", "sha", "siblings", "tags"}

// hub is a fake Hub and the transport that reaches it.
type hub struct {
	*hubtest.Server
	rt http.RoundTripper
}

// eachHub runs f against a fake Hub on a loopback socket and against one
// served in process through its RoundTripper: both must answer alike.
func eachHub(t *testing.T, opts hubtest.Options, f func(t *testing.T, h hub)) {
	t.Run("socket", func(t *testing.T) {
		s := hubtesting.New(t, opts)
		f(t, hub{s, &http.Transport{}})
	})
	t.Run("in-process", func(t *testing.T) {
		s := hubtest.NewInProcess(opts)
		f(t, hub{s, s.RoundTripper()})
	})
}

func get(t *testing.T, h hub, path string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, h.URL+path, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := h.rt.RoundTrip(req) // no redirect following
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, b
}

func keysOf(t *testing.T, obj json.RawMessage) []string {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(obj, &m))
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func expandQuery(keys ...string) string {
	q := url.Values{"expand[]": keys}
	return q.Encode()
}

func TestListShapes(t *testing.T) {
	eachHub(t, hubtest.Options{}, func(t *testing.T, s hub) {
		// Without expand: the default list item of the real Hub.
		resp, body := get(t, s, "/api/models?search=Qwen3-0.6B")
		require.Equal(t, 200, resp.StatusCode)
		var items []json.RawMessage
		require.NoError(t, json.Unmarshal(body, &items))
		require.Len(t, items, 1)
		assert.Equal(t, []string{"_id", "createdAt", "downloads", "id", "library_name", "likes", "modelId", "pipeline_tag", "private", "tags", "trendingScore"}, keysOf(t, items[0]))

		// With expand: _id, id and the asked keys only.
		_, body = get(t, s, "/api/models?search=Qwen3-0.6B&expand[]=gguf&expand=siblings")
		require.NoError(t, json.Unmarshal(body, &items))
		assert.Equal(t, []string{"_id", "id", "siblings"}, keysOf(t, items[0]), "a repo without GGUF has no gguf key")

		_, body = get(t, s, "/api/models?search=gemma-3-1b-it-GGUF&"+expandQuery(fullExpand...))
		require.NoError(t, json.Unmarshal(body, &items))
		keys := keysOf(t, items[0])
		assert.Contains(t, keys, "gguf")
		assert.NotContains(t, keys, "safetensors")
		assert.NotContains(t, keys, "library_name", "GGUF-only repos have none")

		resp, body = get(t, s, "/api/models?expand[]=nonsense")
		assert.Equal(t, 400, resp.StatusCode)
		assert.Contains(t, string(body), "expand")
	})
}

func TestListSearchFilterSortPaging(t *testing.T) {
	eachHub(t, hubtest.Options{PageSize: 4}, func(t *testing.T, s hub) {
		ids := func(body []byte) []string {
			var items []struct{ ID string }
			require.NoError(t, json.Unmarshal(body, &items))
			var out []string
			for _, i := range items {
				out = append(out, i.ID)
			}
			return out
		}
		_, body := get(t, s, "/api/models?author=Qwen&filter=gguf")
		assert.Equal(t, []string{"Qwen/Qwen2.5-7B-Instruct-GGUF", "Qwen/Qwen3-8B-GGUF", "Qwen/Qwen2.5-0.5B-Instruct-GGUF"}, ids(body))

		_, body = get(t, s, "/api/models?search=LLAMA-3.2&sort=downloads")
		assert.Equal(t, []string{"meta-llama/Llama-3.2-1B-Instruct", "mlx-community/Llama-3.2-1B-Instruct-4bit", "bartowski/Llama-3.2-3B-Instruct-GGUF"}, ids(body))

		// Paging by an opaque cursor in an absolute Link.
		var all []string
		next := "/api/models?filter=text-generation&sort=likes"
		for n := 0; next != ""; n++ {
			require.Less(t, n, 20)
			resp, body := get(t, s, next)
			require.Equal(t, 200, resp.StatusCode)
			all = append(all, ids(body)...)
			next = ""
			if l := resp.Header.Get("Link"); l != "" {
				u, err := url.Parse(l[1 : len(l)-len(`>; rel="next"`)])
				require.NoError(t, err)
				assert.Equal(t, "http", u.Scheme)
				next = u.RequestURI()
			}
		}
		assert.Greater(t, len(all), 8)
		assert.Len(t, all, len(slices.Compact(slices.Clone(all))))

		resp, _ := get(t, s, "/api/models?sort=random")
		assert.Equal(t, 400, resp.StatusCode)
	})
}

func TestInfoResolveAndErrors(t *testing.T) {
	eachHub(t, hubtest.Options{GatedTokens: []string{"hf_ok"}, ValidTokens: []string{"hf_ok", "hf_meh"}}, func(t *testing.T, s hub) {
		resp, body := get(t, s, "/api/models/bert-base-uncased")
		assert.Equal(t, 307, resp.StatusCode)
		assert.Equal(t, "/api/models/google-bert/bert-base-uncased", resp.Header.Get("Location"))
		assert.Contains(t, string(body), "Temporary Redirect")

		resp, _ = get(t, s, "/api/models/nobody/nothing")
		assert.Equal(t, 401, resp.StatusCode)
		assert.Equal(t, "RepoNotFound", resp.Header.Get("X-Error-Code"))
		resp, _ = get(t, s, "/api/models/nobody/nothing", "Authorization", "Bearer hf_meh")
		assert.Equal(t, 404, resp.StatusCode)
		resp, _ = get(t, s, "/api/models/openai-community/gpt2", "Authorization", "Bearer hf_wrong")
		assert.Equal(t, 401, resp.StatusCode)
		assert.Contains(t, resp.Header.Get("X-Error-Message"), "Invalid credentials")

		cfg := "/meta-llama/Llama-3.1-8B-Instruct/resolve/main/config.json"
		resp, _ = get(t, s, cfg)
		assert.Equal(t, 401, resp.StatusCode)
		assert.Equal(t, "GatedRepo", resp.Header.Get("X-Error-Code"))
		resp, _ = get(t, s, cfg, "Authorization", "Bearer hf_meh")
		assert.Equal(t, 403, resp.StatusCode)
		resp, body = get(t, s, cfg, "Authorization", "Bearer hf_ok")
		assert.Equal(t, 200, resp.StatusCode)
		assert.Contains(t, string(body), `"max_position_embeddings":131072`)

		// Weak ETag on the API, 304 on a match, RateLimit and request ids.
		resp, _ = get(t, s, "/api/models/openai-community/gpt2")
		etag := resp.Header.Get("ETag")
		assert.Regexp(t, `^W/"[0-9a-f]+-.{27}"$`, etag)
		assert.NotEmpty(t, resp.Header.Get("X-Request-Id"))
		assert.Regexp(t, `^"api";r=\d+;t=\d+$`, resp.Header.Get("RateLimit"))
		assert.Contains(t, resp.Header.Get("RateLimit-Policy"), `"fixed window"`)
		resp, body = get(t, s, "/api/models/openai-community/gpt2", "If-None-Match", etag)
		assert.Equal(t, 304, resp.StatusCode)
		assert.Empty(t, body)

		assert.Equal(t, 9, s.Count(hubtest.RouteAny))
		assert.Equal(t, 3, s.Count(hubtest.RouteResolve))
	})
}

func TestFaultsAreCounted(t *testing.T) {
	eachHub(t, hubtest.Options{}, func(t *testing.T, s hub) {
		s.Fail(hubtest.Fault{Route: hubtest.RouteInfo, Status: 503, Times: 2})
		for _, want := range []int{503, 503, 200} {
			resp, body := get(t, s, "/api/models/openai-community/gpt2")
			assert.Equal(t, want, resp.StatusCode)
			if want == 503 {
				assert.Contains(t, string(body), "<html>")
			}
		}
	})
}

func TestSyntheticPageWeighsLikeTheHub(t *testing.T) {
	eachHub(t, hubtest.Options{NoFixtures: true, Synthetic: 500}, func(t *testing.T, s hub) {
		resp, body := get(t, s, "/api/models?limit=100&"+expandQuery(fullExpand...))
		require.Equal(t, 200, resp.StatusCode)
		assert.InDelta(t, 180_000, len(body), 25_000)
		assert.NotEmpty(t, resp.Header.Get("Link"))
	})
}

func TestNewServerLoopbackOnly(t *testing.T) {
	_, err := hubtest.NewServer(hubtest.Options{Addr: "0.0.0.0:0"})
	assert.ErrorContains(t, err, "loopback")
	s, err := hubtest.NewServer(hubtest.Options{Addr: "127.0.0.1:0", NoFixtures: true, Synthetic: 3})
	require.NoError(t, err)
	defer s.Close()
	assert.Equal(t, 3, s.Len())
}

func TestModelJSONMatchesServer(t *testing.T) {
	eachHub(t, hubtest.Options{}, func(t *testing.T, s hub) {
		r, ok := s.Repo("openai-community/gpt2")
		require.True(t, ok)
		_, body := get(t, s, "/api/models/openai-community/gpt2")
		assert.JSONEq(t, string(hubtest.ModelJSON(r)), string(body))
		assert.Contains(t, string(hubtest.ModelJSON(r)), `"model-index":null`)
	})
}
