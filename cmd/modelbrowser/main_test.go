package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest/hubtesting"
	"github.com/modelbrowser/modelbrowser/internal/report"
)

const testToken = "hf_cmdtestTOKEN0123456789"

// harness runs the command in-process against a fake Hub, with its own
// cache and config folders and a token the fake Hub grants gated access.
type harness struct {
	t     *testing.T
	hub   *hubtest.Server
	vars  map[string]string
	cache string
}

func newHarness(t *testing.T, opts ...hubtest.Options) *harness {
	t.Helper()
	o := hubtest.Options{PageSize: 7, GatedTokens: []string{testToken}}
	if len(opts) > 0 {
		o = opts[0]
	}
	hub := hubtesting.New(t, o)
	home := t.TempDir()
	h := &harness{t: t, hub: hub, cache: filepath.Join(home, "cache"), vars: map[string]string{
		"HF_ENDPOINT":            hub.URL,
		"HF_TOKEN":               testToken,
		"HOME":                   home,
		"XDG_CONFIG_HOME":        filepath.Join(home, "config"),
		"MODELBROWSER_CACHE_DIR": filepath.Join(home, "cache"),
		// The CPU's bandwidth as if probed: no 256 MiB probe in the test
		// process (whose size the binary tests' children inherit in their
		// peak RSS), and speeds that do not follow the moment's load.
		"MODELBROWSER_CPU_BANDWIDTH": "20",
	}}
	return h
}

func (h *harness) run(args ...string) (code int, stdout, stderr string) {
	h.t.Helper()
	var out, errb bytes.Buffer
	e := env{
		args:   args,
		getenv: func(k string) string { return h.vars[k] },
		stdin:  strings.NewReader(""),
		stdout: &out,
		stderr: &errb,
	}
	code = run(context.Background(), e)
	return code, out.String(), errb.String()
}

func TestCheckLlamaJSON(t *testing.T) {
	h := newHarness(t)
	code, out, errOut := h.run("check", "meta-llama/Llama-3.1-8B-Instruct", "--json", "--memory", "64GiB")
	require.Equal(t, exitOK, code, errOut)
	var v compat.Verdict
	require.NoError(t, json.Unmarshal([]byte(out), &v))
	assert.True(t, v.Compatible)
	assert.Equal(t, compat.High, v.Confidence)
	require.NotNil(t, v.ContextLength)
	assert.EqualValues(t, 131072, *v.ContextLength)
	assert.True(t, v.Gated)
	var codes []string
	for _, w := range v.Warnings {
		codes = append(codes, w.Code)
	}
	assert.Equal(t, []string{compat.CodeCtxExceedsWorker, compat.CodeGated}, codes)
	assert.Contains(t, v.Warnings[0].Message, "(131072) exceeds worker limit (32768)")

	// The token went in the Authorization header of every request, and
	// nowhere else: not in the output, not in the cache.
	reqs := h.hub.Requests()
	require.NotEmpty(t, reqs)
	for _, r := range reqs {
		assert.Equal(t, "Bearer "+testToken, r.Header.Get("Authorization"), r.Path)
	}
	assert.NotContains(t, out+errOut, testToken)
	assertNotInDir(t, h.cache, testToken)
}

func TestCheckTextExplainsRejection(t *testing.T) {
	h := newHarness(t)
	code, out, _ := h.run("check", "openai-community/gpt2")
	assert.Equal(t, exitNegative, code)
	assert.Contains(t, out, "✗ incompatible")
	assert.Contains(t, out, "ARCH_UNSUPPORTED")
	assert.Contains(t, out, `Architecture "gpt2" is not supported`)
	assert.Contains(t, out, "from config.model_type")
	assert.Contains(t, out, "No worker runs the gpt2 architecture")
	assert.True(t, strings.HasPrefix(out, "openai-community/gpt2\n  https://huggingface.co/openai-community/gpt2\n"), "the Hub page under the id:\n%s", out)
}

func TestCheckJSONHasTheHubURL(t *testing.T) {
	h := newHarness(t)
	code, out, errOut := h.run("check", "openai-community/gpt2", "--json")
	require.Equal(t, exitNegative, code, errOut)
	var doc struct {
		URL string `json:"url"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	assert.Equal(t, "https://huggingface.co/openai-community/gpt2", doc.URL)
}

func TestCheckErrors(t *testing.T) {
	h := newHarness(t)
	for name, tc := range map[string]struct {
		args []string
		msg  string
	}{
		"bad id":         {[]string{"check", "../../etc/passwd"}, "invalid"},
		"no id":          {[]string{"check"}, "exactly one REPO_ID"},
		"two ids":        {[]string{"check", "a/b", "c/d"}, "exactly one REPO_ID"},
		"unknown repo":   {[]string{"check", "nobody/does-not-exist"}, "not found"},
		"unknown worker": {[]string{"check", "openai-community/gpt2", "--worker", "nope"}, `no worker named "nope"`},
		"bad flag":       {[]string{"check", "a/b", "--frobnicate"}, "frobnicate"},
		"two modes":      {[]string{"check", "a/b", "--offline", "--refresh"}, "exclude each other"},
	} {
		t.Run(name, func(t *testing.T) {
			before := len(h.hub.Requests())
			code, out, errOut := h.run(tc.args...)
			assert.Equal(t, exitError, code)
			assert.Empty(t, out)
			assert.Contains(t, strings.ToLower(errOut), strings.ToLower(tc.msg))
			assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
			if name != "unknown repo" {
				assert.Equal(t, before, len(h.hub.Requests()), "refused before any request")
			}
		})
	}
}

func TestCheckOneWorker(t *testing.T) {
	h := newHarness(t)
	code, out, errOut := h.run("check", "ggml-org/gemma-3-1b-it-GGUF", "--worker", "llm-worker-rbee-cuda", "--json")
	require.Equal(t, exitOK, code, errOut)
	var v compat.Verdict
	require.NoError(t, json.Unmarshal([]byte(out), &v))
	require.Len(t, v.Workers, 1)
	assert.Equal(t, "llm-worker-rbee-cuda", v.Workers[0].Name)
	assert.Equal(t, "gguf", v.Workers[0].Format)
}

// search --all --limit 30 across pages of 7 makes 5 list requests and no
// per-model info request.
func TestSearchAllPages(t *testing.T) {
	h := newHarness(t)
	code, out, errOut := h.run("search", "--all", "--limit", "30", "--json", "--no-context")
	require.Equal(t, exitOK, code, errOut)
	var res []report.SearchElement
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	assert.Len(t, res, 30)
	assert.Equal(t, 5, h.hub.Count(hubtest.RouteList))
	assert.Zero(t, h.hub.Count(hubtest.RouteInfo))
	assert.Zero(t, h.hub.Count(hubtest.RouteResolve), "--no-context fetches no config.json")
	for _, r := range res {
		assert.NotEmpty(t, r.ID)
	}

	// Within the TTL the same search makes no request at all.
	h.hub.ResetRequests()
	code, out2, _ := h.run("search", "--all", "--limit", "30", "--json", "--no-context")
	require.Equal(t, exitOK, code)
	assert.Equal(t, out, out2)
	assert.Empty(t, h.hub.Requests())
}

func TestSearchCompatibleOnlyTable(t *testing.T) {
	h := newHarness(t)
	code, out, errOut := h.run("search", "qwen", "--limit", "3")
	require.Equal(t, exitOK, code, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 4, out)
	assert.Contains(t, lines[0], "VERDICT")
	for _, l := range lines[1:] {
		assert.NotContains(t, l, "✗", "compatible-only prints no incompatible model")
		assert.Contains(t, strings.ToLower(l), "qwen")
	}
}

func TestSearchBadFlags(t *testing.T) {
	h := newHarness(t)
	for _, args := range [][]string{
		{"search", "--limit", "0"},
		{"search", "--limit", "abc"},
		{"search", "--sort", "biggest"},
		{"search", "a", "b"},
	} {
		code, out, errOut := h.run(args...)
		assert.Equal(t, exitError, code, args)
		assert.Empty(t, out)
		assert.NotEmpty(t, errOut)
	}
	assert.Empty(t, h.hub.Requests())
}

func TestOfflineWithNothingCached(t *testing.T) {
	h := newHarness(t)
	h.vars["HF_HUB_OFFLINE"] = "1"
	code, out, errOut := h.run("search", "llama")
	assert.Equal(t, exitError, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, "HF_HUB_OFFLINE=1 sends none to the Hub", "names the variable the user set")
	assert.NotContains(t, errOut, "hf:", "no package names")

	delete(h.vars, "HF_HUB_OFFLINE")
	code, _, errOut = h.run("search", "llama", "--offline")
	assert.Equal(t, exitError, code)
	assert.Contains(t, errOut, "--offline sends none to the Hub", "names the flag the user passed")
	assert.NotContains(t, errOut, "HF_HUB_OFFLINE")
	assert.Empty(t, h.hub.Requests())
}

func TestStaleCacheWhenHubDown(t *testing.T) {
	h := newHarness(t)
	code, out, _ := h.run("check", "openai-community/gpt2", "--json")
	require.Equal(t, exitNegative, code)
	h.hub.Close()
	code, out2, errOut := h.run("check", "openai-community/gpt2", "--json", "--refresh")
	assert.Equal(t, exitNegative, code, errOut)
	assert.JSONEq(t, out, out2)
	assert.Contains(t, errOut, "cached")
}

func TestWorkers(t *testing.T) {
	h := newHarness(t)
	code, out, _ := h.run("workers")
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, "built-in default")
	for _, w := range compat.DefaultCatalog().Workers {
		assert.Contains(t, out, w.Name)
	}

	// A user catalog in $XDG_CONFIG_HOME replaces it.
	dir := filepath.Join(h.vars["XDG_CONFIG_HOME"], "modelbrowser")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	file := filepath.Join(dir, "workers.toml")
	require.NoError(t, os.WriteFile(file, []byte("[[workers]]\nname = \"mine\"\ndevice = \"cpu\"\nformats = [\"gguf\"]\nmax_context = 4096\n[workers.architectures]\ngguf = [\"llama\"]\n"), 0o644))
	code, out, _ = h.run("workers", "--json")
	require.Equal(t, exitOK, code)
	var got report.WorkersDoc
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.Equal(t, file, got.Source)
	require.Len(t, got.Workers, 1)
	assert.Equal(t, "mine", got.Workers[0].Name)

	// A broken one is a one-line error naming the file and line.
	require.NoError(t, os.WriteFile(file, []byte("[[workers]]\nname = \"mine\"\ndevice = \"tpu\"\n"), 0o644))
	code, _, errOut := h.run("workers")
	assert.Equal(t, exitError, code)
	assert.Contains(t, errOut, file+":3: workers[0].device")
}

func TestCacheCommands(t *testing.T) {
	h := newHarness(t)
	code, _, _ := h.run("check", "openai-community/gpt2")
	require.Equal(t, exitNegative, code)
	code, out, _ := h.run("cache", "info")
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, h.cache)
	assert.Regexp(t, `entries:\s+[1-9]`, out)
	code, _, _ = h.run("cache", "clear")
	require.Equal(t, exitOK, code)
	_, out, _ = h.run("cache", "info")
	assert.Regexp(t, `entries:\s+0`, out)
	code, _, errOut := h.run("cache", "explode")
	assert.Equal(t, exitError, code)
	assert.Contains(t, errOut, "unknown subcommand")
}

func assertNotInDir(t *testing.T, dir, secret string) {
	t.Helper()
	n := 0
	_ = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return nil
		}
		b, _ := os.ReadFile(p)
		n++
		assert.False(t, bytes.Contains(b, []byte(secret)), "%s holds the token", p)
		return nil
	})
	assert.Positive(t, n, "the cache holds files")
}

// TestDemoForSearchAndCheck: --demo answers search and check from the
// built-in sample Hub, in process: no request to HF_ENDPOINT, nothing on
// disk, the same words as online. (The binary: the demo Hub renders its
// GGUF headers in its own process.)
func TestDemoForSearchAndCheck(t *testing.T) {
	b := newBin(t)
	b.vars["HF_ENDPOINT"] = "http://" + closedPort(t) // nothing there: the demo needs no network
	r := b.run("search", "qwen", "--demo")
	require.Equal(t, exitOK, r.code, "%s", r)
	assert.Contains(t, r.stdout, "Qwen/Qwen2.5-0.5B-Instruct-GGUF")

	r = b.run("search", "qwen", "--demo", "--fit", "--json", "--memory", "16GiB")
	require.Equal(t, exitOK, r.code, "%s", r)
	assert.Contains(t, r.stdout, `"level":"fits"`)
	assert.Regexp(t, `--fit: \d+ requests? to the built-in sample Hub\n`, r.stderr, "no word of the Hub's rate limit")
	assert.NotContains(t, r.stderr, "500 API requests")

	r = b.run("check", "Qwen/Qwen2.5-0.5B-Instruct-GGUF", "--demo")
	require.Equal(t, exitOK, r.code, "%s", r)
	assert.Contains(t, r.stdout, "✓ compatible")
	assert.Contains(t, r.stdout, "Files and fit")

	r = b.run("check", "nobody/nothing", "--demo")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.stderr, "not found")
	assert.NotContains(t, r.stderr, "hf:")

	// get plans on the sample Hub, and fetches nothing from it.
	r = b.run("get", "Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q2_K", "--demo", "--dry-run")
	require.Equal(t, exitOK, r.code, "%s", r)
	assert.Contains(t, r.stdout, "qwen2.5-0.5b-instruct-q2_k.gguf")
	r = b.run("get", "Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q2_K", "--demo")
	assert.Equal(t, exitError, r.code)
	assert.Equal(t, "modelbrowser: get: the built-in sample Hub has the files' sizes but not their bytes: add --dry-run to see what get would fetch (see 'modelbrowser get --help')\n", r.stderr)
	assert.Empty(t, r.stdout)

	// export lists the sample Hub into FILE, and writes nothing else.
	out := filepath.Join(t.TempDir(), "demo.jsonl")
	r = b.run("export", "--demo", "--out", out)
	require.Equal(t, exitOK, r.code, "%s", r)
	lines, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(lines), `{"id":"Qwen/Qwen2.5-0.5B-Instruct-GGUF","compatible":true`)
	assert.Regexp(t, `export: \d+ scanned, \d+ kept`, r.stderr)

	_, err = os.Stat(b.cache)
	assert.True(t, os.IsNotExist(err), "--demo writes no cache: %v", err)
	assert.Empty(t, b.hub.Requests())
}
