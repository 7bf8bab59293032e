package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
)

// An unknown fit says so on every surface (issue 16; FIT_POLICY sections 2
// and 4): check's text and --json (shape_unknown, MEM_UNKNOWN), search
// --fit's FIT cell ("?") with a line per reason, and --require-fit, for
// each cause: a 401 without a token, a 403 to a token without access, a
// GGUF header that cannot be parsed, a config.json without the keys.
func TestBinaryUnknownFitEverySurface(t *testing.T) {
	t.Parallel()
	b := newFitBin(t)
	b.hub.AddRepos(
		hubtest.Repo{ID: "unknownfit/broken-header-GGUF", Files: []string{"broken-Q4_K_M.gguf", "broken-Q8_0.gguf"},
			Sizes:     map[string]int64{"broken-Q4_K_M.gguf": 700 << 20, "broken-Q8_0.gguf": 1 << 30},
			GGUF:      &hubtest.GGUF{Architecture: "llama", ContextLength: 8192, Total: 1_000_000_000},
			Tags:      []string{"gguf", "llama"},
			Downloads: 10, // GGUFHeader nil: the files are zeros, which no reader accepts
		},
		hubtest.Repo{ID: "unknownfit/keyless-llama", ModelType: "llama", Architectures: []string{"LlamaForCausalLM"},
			Files: []string{"config.json", "model.safetensors"}, SafetensorsParams: map[string]int64{"BF16": 1_000_000_000},
			Tags: []string{"text-generation", "safetensors"}, Downloads: 9,
			ConfigJSON: map[string]any{"model_type": "llama", "max_position_embeddings": 8192, "hidden_size": 2048}},
	)
	const gatedRepo = "meta-llama/Llama-3.2-1B-Instruct"
	cases := []struct {
		name, repo, token, reason, says string
	}{
		{"401 without a token", gatedRepo, "", "gated", "accept the licence on the model's Hub page and set HF_TOKEN"},
		{"403 to a token without access", gatedRepo, "hf_NotOnTheList", "token-refused", "your token cannot read this gated repo"},
		{"an unparseable GGUF header", "unknownfit/broken-header-GGUF", binToken, "header-unreadable", "the GGUF header could not be read"},
		{"a config.json without the layer count", "unknownfit/keyless-llama", binToken, "keys-missing", "config.json lacks num_hidden_layers"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b.vars["HF_TOKEN"] = tc.token
			defer func() { b.vars["HF_TOKEN"] = binToken }()

			text := b.run("check", tc.repo, "--memory", "16GiB")
			require.Equal(t, exitOK, text.code, "%s", text)
			assert.Contains(t, text.stdout, "? unknown", "the level is unknown, never tight")
			assert.NotContains(t, text.stdout, "~ tight")
			assert.Contains(t, text.stdout, "shape unknown ("+tc.reason+"): ")
			assert.Contains(t, text.stdout, tc.says)
			assert.Contains(t, text.stdout, "MEM_UNKNOWN")
			assert.Contains(t, text.stdout, "the largest context that fits is unknown")
			assert.NotContains(t, text.stdout, "no variant fits at any context", "unknown is not 'nothing fits'")
			if tc.reason == "token-refused" {
				assert.NotContains(t, text.stdout, "set HF_TOKEN before", "a 403 to a token is never 'set HF_TOKEN'")
				assert.NotContains(t, text.stdout, "and set HF_TOKEN; the smallest", "a 403 to a token is never 'set HF_TOKEN'")
			}

			js := b.run("check", tc.repo, "--memory", "16GiB", "--json")
			require.Equal(t, exitOK, js.code, "%s", js)
			var doc struct {
				Warnings []struct{ Code, Message string }
				Fit      struct {
					Variants []struct {
						Shape        any
						ShapeUnknown *struct{ Reason, Message string } `json:"shape_unknown"`
						Fit          map[string]string
					}
					Best       map[string]*string
					MaxContext map[string]*int64 `json:"max_context"`
				}
			}
			require.NoError(t, json.Unmarshal([]byte(js.stdout), &doc), js.stdout)
			require.NotEmpty(t, doc.Fit.Variants)
			for _, v := range doc.Fit.Variants {
				assert.Nil(t, v.Shape)
				require.NotNil(t, v.ShapeUnknown)
				assert.Equal(t, tc.reason, v.ShapeUnknown.Reason)
				assert.Contains(t, v.ShapeUnknown.Message, tc.says)
				assert.Equal(t, "unknown", v.Fit["llm-worker-rbee-cpu"])
			}
			assert.Nil(t, doc.Fit.Best["llm-worker-rbee-cpu"], "unknown is never the best")
			mc, ok := doc.Fit.MaxContext["llm-worker-rbee-cpu"]
			assert.True(t, ok && mc == nil, "max_context null: unknown")
			var codes []string
			for _, w := range doc.Warnings {
				codes = append(codes, w.Code)
			}
			assert.Contains(t, codes, "MEM_UNKNOWN")
			assert.NotContains(t, codes, "MEM_TOO_BIG")

			req := b.run("check", tc.repo, "--memory", "16GiB", "--require-fit")
			assert.Equal(t, exitNegative, req.code, "--require-fit asked for a known fit: %s", req)

			q := strings.SplitN(tc.repo, "/", 2)[1]
			hidden := b.run("search", q, "--fit", "--memory", "16GiB", "--limit", "20")
			require.Equal(t, exitOK, hidden.code, "%s", hidden)
			assert.NotContains(t, hidden.stdout, tc.repo, "--fit keeps what is known to fit")
			assert.Contains(t, hidden.stderr, "whose fit is unknown (--all shows them): ", "and says what it left out")
			assert.Contains(t, hidden.stderr, tc.says, "and why")

			search := b.run("search", q, "--fit", "--all", "--memory", "16GiB", "--limit", "20")
			require.Equal(t, exitOK, search.code, "%s", search)
			var row string
			for _, l := range strings.Split(search.stdout, "\n") {
				if strings.Contains(l, tc.repo) && row == "" {
					row = l // the table's row comes before the reason lines
				}
			}
			require.NotEmpty(t, row, "%s", search.stdout)
			assert.Regexp(t, `  \? \S+ [0-9.]+[MG]$`, row, "the FIT cell: ? with the smallest file")
			assert.Contains(t, search.stdout, "? fit unknown for "+tc.repo+": ")
			assert.Contains(t, search.stdout, tc.says)

			sj := b.run("search", q, "--fit", "--all", "--memory", "16GiB", "--limit", "20", "--json")
			require.Equal(t, exitOK, sj.code, "%s", sj)
			var els []struct {
				ID  string
				Fit *struct {
					Level        *string
					ShapeUnknown *struct{ Reason string } `json:"shape_unknown"`
				}
			}
			require.NoError(t, json.Unmarshal([]byte(sj.stdout), &els))
			found := false
			for _, el := range els {
				if el.ID == tc.repo {
					found = true
					require.NotNil(t, el.Fit)
					require.NotNil(t, el.Fit.Level)
					assert.Equal(t, "unknown", *el.Fit.Level)
					require.NotNil(t, el.Fit.ShapeUnknown)
					assert.Equal(t, tc.reason, el.Fit.ShapeUnknown.Reason)
				}
			}
			assert.True(t, found, "%s", sj.stdout)
		})
	}
}
