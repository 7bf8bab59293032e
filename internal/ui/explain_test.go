package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

// The three models a user checks the detail pane on: a gated Llama whose
// config.json the token can read (context 131072 over the workers' 32768),
// a GGUF repository with a vision projector beside its weights, and an AWQ
// repository no worker loads.
const (
	gatedLlama = "meta-llama/Llama-3.1-8B-Instruct"
	ggufMmproj = "ggml-org/gemma-3-12b-it-GGUF"
	awqLlama   = "TheBloke/Llama-2-7B-AWQ"
)

func explainModels() []compat.Model {
	all := fixtureModels()
	return []compat.Model{
		all[0], // gatedLlama
		model(compat.Raw{ID: ggufMmproj, HasGGUF: true, GGUFArchitecture: "gemma3", GGUFContextLength: 131072, GGUFTotal: 11765788416,
			HasSiblings: true, Siblings: []string{"README.md", "gemma-3-12b-it-Q4_K_M.gguf", "gemma-3-12b-it-Q8_0.gguf", "gemma-3-12b-it-f16.gguf", "mmproj-model-f16.gguf"},
			Downloads: 3783, Likes: 31, License: "gemma", PipelineTag: "image-text-to-text", LastModified: testNow.Add(-30 * 24 * time.Hour)}),
		all[5], // awqLlama
	}
}

// explained is the whole detail text of id, ANSI stripped, as the pane of
// a w×h terminal writes it once the model's details are in.
func explained(t *testing.T, id string, w, h int) (string, int) {
	t.Helper()
	m := started(t, newFake(explainModels(), 50), w, h)
	m = press(t, m, "c")
	for selectedID(m) != id {
		before := selectedID(m)
		m = press(t, m, "j")
		require.NotEqual(t, before, selectedID(m), "%s is not in the list", id)
	}
	m = press(t, m, "enter")
	it := m.list.selected()
	require.True(t, it.detailed)
	width := m.detail.contentWidth()
	text, _ := explainWithFit(m.styles, it, it.shownWorker(m.list.worker), m.now, width, false, fitPane{cfg: m.fitCfg, cursor: m.detail.cursor})
	return ansi.Strip(text), width
}

// TestExplainGoldens: the whole detail text of each model, at the pane
// width beside the list (110 columns) and full screen (80).
func TestExplainGoldens(t *testing.T) {
	for _, id := range []string{gatedLlama, ggufMmproj, awqLlama} {
		for _, size := range [][2]int{{110, 24}, {80, 24}} {
			name := strings.ReplaceAll(id, "/", "_") + "/" + map[int]string{110: "beside", 80: "full"}[size[0]]
			t.Run(name, func(t *testing.T) {
				text, width := explained(t, id, size[0], size[1])
				for _, l := range strings.Split(text, "\n") {
					require.LessOrEqual(t, ansi.StringWidth(l), width, "%q", l)
				}
				golden.RequireEqual(t, []byte(text))
			})
		}
	}
}

func TestExplainGatedLlamaWithAccess(t *testing.T) {
	text, _ := explained(t, gatedLlama, 110, 24)
	flat := strings.Join(strings.Fields(text), " ")
	assert.Contains(t, flat, "Model context length (131072) exceeds worker limit (32768)", "both numbers in the warning")
	assert.Contains(t, flat, "max context 32k (32768)", "the worker's limit, exactly")
	assert.Contains(t, flat, "context length 128k (131072)")
	assert.Contains(t, flat, "your token has access")
	assert.Equal(t, 1, strings.Count(flat, "CTX_EXCEEDS_WORKER"), "said once, not again for the worker")
	assert.Equal(t, 1, strings.Count(flat, "Architecture llama (family llama)"), "the headline once")
	for _, row := range workerRows(text) {
		assert.True(t, strings.HasSuffix(row, " 32k"), "the limit is never cut: %q", row)
	}
}

func TestExplainGatedLlamaWithoutAccess(t *testing.T) {
	f := newFake(explainModels(), 50)
	f.noConfig[gatedLlama] = true // the Hub refuses its config.json without a token
	m := started(t, f, 80, 40)
	m = press(t, m, "enter")
	it := m.list.selected()
	require.Equal(t, gatedLlama, it.judged.Model.ID)
	text := ansi.Strip(explain(m.styles, it, it.shownWorker(""), m.now, 80, false))
	flat := strings.Join(strings.Fields(text), " ")
	assert.Contains(t, flat, "context length ? · could not be read (gated repo: accept the licence on the Hub, set HF_TOKEN)")
	assert.Contains(t, flat, "gated yes (manual): accept the licence on the Hub, set HF_TOKEN")
	assert.NotContains(t, flat, "has access")
}

func TestExplainGGUFWithProjector(t *testing.T) {
	text, _ := explained(t, ggufMmproj, 110, 24)
	for _, want := range [][2]string{
		{"gemma-3-12b-it-Q4_K_M.gguf", "Q4_K_M"},
		{"gemma-3-12b-it-Q8_0.gguf", "Q8_0"},
		{"gemma-3-12b-it-f16.gguf", "F16"},
		{"mmproj-model-f16.gguf", "F16 · vision projector"},
	} {
		line := lineWith(text, want[0])
		assert.True(t, strings.HasSuffix(line, " "+want[1]), "%q", line)
	}
	assert.NotContains(t, lineWith(text, "Q4_K_M.gguf"), "projector")
}

func TestExplainAWQ(t *testing.T) {
	text, _ := explained(t, awqLlama, 110, 24)
	flat := strings.Join(strings.Fields(text), " ")
	assert.True(t, strings.HasPrefix(text, "✗ incompatible\n"), "no confidence for a verdict that has none")
	assert.Contains(t, flat, "✗ FORMAT_UNSUPPORTED Found safetensors-awq weights")
	assert.Contains(t, flat, "formats safetensors-awq")
	assert.Contains(t, flat, "Look for a SafeTensors or GGUF version of this model.")
	assert.Less(t, strings.Index(text, "Recommendations"), strings.Index(text, "Evidence"), "what to do before the evidence")
	for _, row := range workerRows(text) {
		assert.Contains(t, row, "✗ no")
	}
}

// TestWorkersTableFitsEveryWidth: however narrow the pane, the table fits
// it and every worker's limit is whole; the format column goes first.
func TestWorkersTableFitsEveryWidth(t *testing.T) {
	it := newItem(detailOf(fixtureModels()[0]), compat.DefaultCatalog())
	for w := 21; w <= 140; w++ {
		text := ansi.Strip(explain(defaultStylesForTest(), it, it.shownWorker(""), testNow, w, false))
		rows := workerRows(text)
		require.Len(t, rows, 4, "width %d", w)
		for _, row := range rows {
			require.LessOrEqual(t, ansi.StringWidth(row), w, "width %d: %q", w, row)
			require.True(t, strings.HasSuffix(row, " 32k"), "width %d: %q", w, row)
		}
		head := lineWith(text, "  WORKER ")
		if w >= 54 { // the pane beside the list at 110 columns
			assert.Contains(t, head, "FORMAT", "width %d", w)
			assert.Contains(t, head, "MAX CTX", "width %d", w)
			assert.Contains(t, rows[0], "llm-worker-rbee-cpu", "width %d", w)
		}
	}
}

func defaultStylesForTest() *Styles {
	st := defaultStyles(lipgloss.DefaultRenderer(), true)
	return &st
}

// workerRows are the rows of the Workers table, without its title line.
func workerRows(text string) []string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if l == "Workers" {
			var rows []string
			for _, r := range lines[i+2:] {
				if strings.TrimSpace(r) == "" {
					break
				}
				rows = append(rows, strings.TrimRight(r, " "))
			}
			return rows
		}
	}
	return nil
}

func lineWith(text, s string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			return strings.TrimRight(l, " ")
		}
	}
	return ""
}
