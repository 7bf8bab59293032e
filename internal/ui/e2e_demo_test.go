package ui

// The --demo end to end: the real program loop over the built-in sample
// Hub (app.OpenDemoHub: the real client, in process, the fake Hub's sample
// repos with their sizes and GGUF headers). internal/app does not import
// this package, so this test file may import it without a cycle; the
// package's own code never does.

import (
	"bytes"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/app"
	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/query"
)

// demoQwenGGUF is the sample repo with eight quants, listed largest first:
// fp16 (its file name has no quant label, so the stem names it), Q8_0,
// Q6_K, Q5_K_M, Q4_K_M, Q3_K_M, Q4_0, Q2_K.
const demoQwenGGUF = "Qwen/Qwen2.5-0.5B-Instruct-GGUF"

func TestE2EDemoPicksAHighlightedVariant(t *testing.T) {
	tests := map[string]struct {
		downs int
		want  string
	}{
		// With 16 GiB every quant fits: the cursor starts on the best, the
		// largest; each j moves one row down the table.
		"the best":          {0, demoQwenGGUF + ":FP16"},
		"two rows down":     {2, demoQwenGGUF + ":Q6_K"},
		"the smallest":      {7, demoQwenGGUF + ":Q2_K"},
		"past the last row": {9, demoQwenGGUF + ":Q2_K"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			// No environment: no local Hugging Face cache is looked at.
			hub, err := app.OpenDemoHub(app.Env{Getenv: func(string) string { return "" }, Now: clock})
			require.NoError(t, err)
			t.Cleanup(hub.Close)
			m := New(Options{Query: query.Query{Text: "qwen"}, Catalog: compat.DefaultCatalog(), Searcher: hub.Browser(),
				Now: clock, PickFormat: "id", Machine: memory(16 << 30), Demo: true})
			tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
			waitForAll(t, tm, "demo data", demoQwenGGUF)

			tm.Type("/0.5B-Instruct-GGUF")
			waitFor(t, tm, "match")
			tm.Send(keyMsg("enter")) // keeps the filter
			// enter opens the detail of the one row left and focuses it (tab
			// would hand the focus back to the list); the fit table is in
			// once the sizes and the GGUF header were read.
			tm.Send(keyMsg("enter"))
			waitForAll(t, tm, "Files and fit", "Q2_K", "tab focus list")
			for range tc.downs {
				tm.Send(keyMsg("j"))
			}
			tm.Send(keyMsg("p"))

			fm := finalModel(t, tm)
			require.True(t, fm.result.Picked, "%s", ansi.Strip(fm.View()))
			assert.Equal(t, demoQwenGGUF, fm.result.Judged.Model.ID)
			assert.Equal(t, tc.want, fm.result.Pick)
			require.NotNil(t, fm.result.Variant, "a GGUF pick names its files")
			assert.Equal(t, "gguf", fm.result.Variant.Format)
			assert.NotEmpty(t, fm.result.SHA)
			assert.Equal(t, int64(32768), fm.result.Context)
			assert.Equal(t, "llm-worker-rbee-cpu", fm.result.Worker)
			// The picked file's fit, for --pick-format json: with 16 GiB every quant fits.
			require.NotNil(t, fm.result.Level)
			assert.Equal(t, fit.Fits, *fm.result.Level)
			require.NotNil(t, fm.result.Low)
			require.NotNil(t, fm.result.High)
			assert.LessOrEqual(t, *fm.result.Low, *fm.result.High)
			assert.Greater(t, *fm.result.Low, *fm.result.Variant.Files[0].Size, "the weights and more")
		})
	}
}

// waitForAll waits until every text was drawn, in one frame or several:
// the renderer repaints only the lines that change.
func waitForAll(t *testing.T, tm *teatest.TestModel, texts ...string) {
	t.Helper()
	var seen []byte
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		seen = append(seen, b...)
		for _, s := range texts {
			if !bytes.Contains(seen, []byte(s)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
}

// The --demo browser opens a sample repo's card: the real client reads
// README.md at the list's commit from the in-process sample Hub, and the
// pane renders its fields, headings, table and code block.
func TestE2EDemoOpensACard(t *testing.T) {
	hub, err := app.OpenDemoHub(app.Env{Getenv: func(string) string { return "" }, Now: clock})
	require.NoError(t, err)
	t.Cleanup(hub.Close)
	m := New(Options{Query: query.Query{Text: "qwen"}, Catalog: compat.DefaultCatalog(), Searcher: hub.Browser(),
		Now: clock, PickFormat: "id", Machine: memory(16 << 30), Demo: true})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	waitForAll(t, tm, "demo data", demoQwenGGUF)

	tm.Type("/0.5B-Instruct-GGUF")
	waitFor(t, tm, "match")
	tm.Send(keyMsg("enter"))
	tm.Send(keyMsg("i"))
	waitForAll(t, tm, "Model card · README.md at ", "license", "apache-2.0", "## Quickstart", "llama-server -hf "+demoQwenGGUF)
	tm.Send(keyMsg("G")) // the end of the card
	waitFor(t, tm, "## License")
	tm.Send(keyMsg("q"))

	fm := finalModel(t, tm)
	view := ansi.Strip(fm.View())
	assert.True(t, fm.detail.cardMode)
	for _, want := range []string{"card 100%", "## License", "Released under the apache-2.0 licence"} {
		assert.Contains(t, view, want)
	}
}
