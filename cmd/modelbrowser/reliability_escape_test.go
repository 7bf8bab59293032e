package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// Terminal escape sequences the Hub's authors may put in their text.
const (
	oscTitle = "\x1b]0;pwned\x07" // OSC: set the window title, BEL-terminated
	clearScr = "\x1b[2J"          // CSI: clear the screen
	csiRed   = "\x1b[31m"         // CSI SGR: red
	c1CSI    = "\u009b2J"         // C1 CSI (one character) + clear
	bell     = "\x07"
	bidi     = "\u202e" // right-to-left override
	del      = "\x7f"
)

// escapeRepos are models whose every Hub-sent text carries escapes: tags,
// card data (license), file names, pipeline tag, library, gated, the
// architecture and quantization, and ids the list carries (which are not
// valid repository ids, so they are left out with a note).
func escapeRepos() []hubtest.Repo {
	evil := oscTitle + clearScr + c1CSI + bell + bidi + del
	return []hubtest.Repo{
		{
			ID: "evil/escapes-ok", ModelType: "llama", Architectures: []string{"LlamaForCausalLM"},
			Files:             []string{"model.safetensors", oscTitle + ".safetensors", clearScr + "x.gguf", c1CSI + "red.bin", "config.json"},
			Tags:              []string{"text-generation", "safetensors", oscTitle, c1CSI, "bell" + bell, csiRed + "red"},
			PipelineTag:       "text-generation" + clearScr,
			LibraryName:       "transformers" + csiRed,
			License:           "mit" + evil,
			Gated:             "manual" + oscTitle,
			SafetensorsParams: map[string]int64{"BF16": 1_000_000_000},
			Downloads:         5,
			ConfigJSON:        map[string]any{"model_type": "llama", "max_position_embeddings": 4096},
		},
		{
			ID: "evil/escapes-arch", ModelType: "llama" + evil, QuantMethod: "awq" + clearScr,
			Files: []string{"model.safetensors"}, Tags: []string{evil}, License: evil, Downloads: 4,
		},
		{
			ID: "evil/escapes-gguf", GGUF: &hubtest.GGUF{Architecture: "llama" + oscTitle, ContextLength: 4096, Total: 1000},
			Files: []string{"m" + c1CSI + ".gguf"}, Tags: []string{"gguf"}, Downloads: 3,
		},
		{ID: "evil/" + clearScr + "id" + oscTitle, ModelType: "llama", Files: []string{"model.safetensors"}, Downloads: 2},
		{ID: "evil/c1" + c1CSI + "id" + bidi, ModelType: "llama", Files: []string{"model.safetensors"}, Downloads: 1},
	}
}

// Hub text is rendered inert in text output (no ESC, BEL, C1, DEL or bidi
// override reaches the terminal, the rest of the text is still shown) and
// escaped in JSON (valid JSON, the same strings, no raw control byte). A
// listed id that is no valid repository id is left out, with a note on
// stderr: check would refuse it and a pick must never print it.
func TestBinaryHubTextIsInert(t *testing.T) {
	t.Parallel()
	b := newBin(t)
	b.hub.AddRepos(escapeRepos()...)
	runs := []struct {
		name string
		args []string
		code int
		show []string // the printable rest of the text, still shown
	}{
		{"check text", []string{"check", "evil/escapes-ok"}, exitOK, []string{"license         mit"}},
		{"check arch text", []string{"check", "evil/escapes-arch"}, exitNegative, []string{"architecture    llama"}},
		{"check gguf text", []string{"check", "evil/escapes-gguf"}, exitNegative, []string{"architecture    llama"}},
		{"check json", []string{"check", "evil/escapes-ok", "--json"}, exitOK, nil},
		{"check arch json", []string{"check", "evil/escapes-arch", "--json"}, exitNegative, nil},
		{"check gguf json", []string{"check", "evil/escapes-gguf", "--json"}, exitNegative, nil},
		{"search table", []string{"search", "evil", "--all"}, exitOK, []string{"evil/escapes-ok", "evil/escapes-arch", "evil/escapes-gguf"}},
		{"search compatible", []string{"search", "evil"}, exitOK, []string{"evil/escapes-ok"}},
		{"search json", []string{"search", "evil", "--all", "--json"}, exitOK, nil},
		{"search json no ctx", []string{"search", "evil", "--all", "--json", "--no-context"}, exitOK, nil},
		{"search table no ctx", []string{"search", "evil", "--all", "--no-context"}, exitOK, nil},
		{"check text, from the cache", []string{"check", "evil/escapes-ok", "--offline"}, exitOK, []string{"license         mit"}},
		{"search json, from the cache", []string{"search", "evil", "--all", "--json", "--offline"}, exitOK, nil},
	}
	for _, tc := range runs {
		t.Run(tc.name, func(t *testing.T) {
			r := b.run(tc.args...)
			require.Equal(t, tc.code, r.code, "%s", r)
			requireInert(t, "stdout", r.stdout)
			requireInert(t, "stderr", r.stderr)
			if strings.HasPrefix(tc.name, "search") {
				assert.Equal(t, "modelbrowser: left out 2 models the Hub described in a form that does not decode or with an invalid id\n", r.stderr)
			} else {
				assert.Empty(t, r.stderr)
			}
			for _, s := range tc.show {
				assert.Contains(t, r.stdout, s)
			}
			if strings.HasPrefix(tc.name, "search table") {
				// Every model with a valid id has its row; the two others
				// are left out.
				assert.Equal(t, 1+len(escapeRepos())-2, strings.Count(r.stdout, "\n"), "%s", r)
				assert.Zero(t, strings.Count(r.stdout, "evil/c1")+strings.Count(r.stdout, "evil/id")+strings.Count(r.stdout, "evil/[2J"), "%s", r)
			}
			if !strings.Contains(tc.name, "json") {
				return
			}
			require.True(t, json.Valid([]byte(r.stdout)), "%s", r)
			for _, c := range []string{"\x1b", "\x07", "\x7f", "\u009b", "\u202e"} {
				assert.NotContains(t, r.stdout, c, "raw in JSON")
			}
			// Escaped, not lost: the decoded strings are the Hub's.
			var v any
			require.NoError(t, json.Unmarshal([]byte(r.stdout), &v))
			all := collectStrings(v)
			switch {
			case strings.HasPrefix(tc.name, "search"):
				assert.Contains(t, all, "llama"+oscTitle, "Hub text escaped, not lost")
				assert.NotContains(t, all, "evil/"+clearScr+"id"+oscTitle)
				assert.NotContains(t, all, "evil/c1"+c1CSI+"id"+bidi)
			case tc.name == "check arch json":
				assert.Contains(t, all, "llama"+oscTitle+strings.ToLower(clearScr+c1CSI))
			case tc.name == "check gguf json":
				assert.Contains(t, all, "llama"+oscTitle)
			}
		})
	}
}

// collectStrings joins every string of a decoded JSON value.
func collectStrings(v any) string {
	var b strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			b.WriteString(x)
			b.WriteByte('\n')
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return b.String()
}

// Hub error text (X-Error-Message, a JSON error body) with escapes is
// inert on stderr too.
func TestBinaryHubErrorTextIsInert(t *testing.T) {
	t.Parallel()
	for name, f := range map[string]hubtest.Fault{
		"X-Error-Message": {Status: 400, Header: map[string]string{"X-Error-Message": "bad" + oscTitle + c1CSI + bidi + "request"}},
		"JSON error body": {Status: 403, Body: `{"error": "no \u001b]0;pwned\u0007 \u009b2J access"}`},
		"request id":      {Status: 404, Header: map[string]string{"X-Request-Id": "id" + c1CSI + bidi}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := newBin(t)
			f.Route = hubtest.RouteInfo
			b.hub.Fail(f)
			r := b.run("check", "openai-community/gpt2")
			requireOneLineError(t, r)
			requireInert(t, "stderr", r.stderr)
		})
	}
}

// text.WriteJSON rewrites only what it must, and the JSON means the same.
func TestJSONInert(t *testing.T) {
	in := map[string]string{"a": "x" + c1CSI + bidi + del + "\u0085y", "b": "plain é ü 漢字 \U0001F600", "c\u009b": oscTitle}
	var raw, safe bytes.Buffer
	require.NoError(t, json.NewEncoder(&raw).Encode(in))
	require.NoError(t, text.WriteJSON(&safe, in))
	assert.Contains(t, raw.String(), "\u009b", "encoding/json leaves C1 raw: the reason for text.AppendInert")
	requireInert(t, "json", safe.String())
	var back map[string]string
	require.NoError(t, json.Unmarshal(safe.Bytes(), &back))
	assert.Equal(t, in, back)
	assert.Contains(t, safe.String(), `plain é ü 漢字 😀`)
	assert.Contains(t, safe.String(), `\u009b`)
}

// TestBinaryCatalogTextIsInert: a user's worker catalog is data like the
// Hub's answers: names with ESC, BEL, C1 controls or bidi controls never
// reach the terminal raw, in workers, workers --json or check (issue 11,
// item 13).
func TestBinaryCatalogTextIsInert(t *testing.T) {
	t.Parallel()
	b := newBin(t)
	hostile := "cpu\x1b]0;pwned\x07\u009b2J\u202eevil\u061c"
	cat := map[string]any{
		"families": []map[string]any{{"name": "llama\u202e", "confidence": "high", "architectures": []string{"llama"}}},
		"workers": []map[string]any{{
			"name": hostile, "device": "cpu", "platforms": []string{"linux", "macos", "windows"},
			"formats": []string{"safetensors", "gguf"}, "max_context": 32768, "streaming": true,
			"architectures": map[string][]string{"safetensors": {"llama"}, "gguf": {"llama"}},
		}},
	}
	data, err := json.Marshal(cat)
	require.NoError(t, err)
	file := filepath.Join(b.home, "workers.json")
	require.NoError(t, os.WriteFile(file, data, 0o600))

	r := b.run("workers", "--workers", file)
	require.Equal(t, 0, r.code, "%s", r)
	requireInert(t, "workers", r.stdout)
	assert.Contains(t, r.stdout, "cpuevil", "the escape sequence goes whole, the text stays")

	r = b.run("workers", "--workers", file, "--json")
	require.Equal(t, 0, r.code, "%s", r)
	requireInert(t, "workers --json", r.stdout)
	for _, esc := range []string{`\u001b`, `\u0007`, `\u009b`, `\u202e`, `\u061c`} {
		assert.Contains(t, r.stdout, esc)
	}
	var back map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &back), "still valid JSON")

	r = b.run("check", "meta-llama/Llama-3.1-8B-Instruct", "--workers", file)
	require.Contains(t, []int{0, 1}, r.code, "%s", r)
	requireInert(t, "check", r.stdout)
	assert.Contains(t, r.stdout, "cpuevil", "the escape sequence goes whole, the text stays")
}
