package ui

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/app"
	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest/hubtesting"
	"github.com/modelbrowser/modelbrowser/internal/query"
)

// The real program loop over the real app.Hub against the fake Hub's
// real-bytes repos: d on the detail fetches the best file into the
// Hugging Face cache, the files table marks it, the status line says
// where it is, and `local` lists it there.
func TestE2EDownloadThroughTheRealHub(t *testing.T) {
	hub := hubtesting.New(t)
	hub.AddRepos(hubtest.GetRepos()...)
	home := t.TempDir()
	root := filepath.Join(home, "hf")
	vars := map[string]string{
		"HF_ENDPOINT":            hub.URL,
		"HF_HUB_CACHE":           root,
		"MODELBROWSER_CACHE_DIR": filepath.Join(home, "cache"),
		"XDG_CONFIG_HOME":        filepath.Join(home, "config"),
		"HOME":                   home,
	}
	env := app.Env{Getenv: func(k string) string { return vars[k] }, FreeSpace: func(string) (uint64, error) { return 100 << 30, nil }}
	h, err := app.OpenHub(env, app.Options{}, true)
	require.NoError(t, err)
	defer h.Close()

	m := New(Options{Query: query.Query{Text: "tiny-GGUF"}, Catalog: compat.DefaultCatalog(), Searcher: h.Browser(), Downloader: h.Downloads(),
		Now: clock, PickFormat: "id", Machine: testMachine()})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(140, 40))
	waitFor(t, tm, "getorg/tiny-GGUF")
	waitFor(t, tm, "5M") // the FIT column: its facts are in

	tm.Send(keyMsg("enter"))
	waitFor(t, tm, "Files and fit")
	tm.Send(keyMsg("d"))
	waitFor(t, tm, "y/enter: yes")
	tm.Send(keyMsg("y"))
	// The status line says where, the path cut in its middle to fit.
	where := regexp.MustCompile(`downloaded getorg/tiny-GGUF:Q8_0: ` + regexp.QuoteMeta(root[:12]) + `[^\n]*…[^\n]*/tiny-Q8_0\.gguf`)
	teatest.WaitFor(t, tm.Output(), where.Match, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
	tm.Send(keyMsg("q"))
	fm := finalModel(t, tm)

	r, ok := hub.Repo("getorg/tiny-GGUF")
	require.True(t, ok)
	want := filepath.Join(root, "models--getorg--tiny-GGUF", "snapshots", r.SHA, "tiny-Q8_0.gguf")
	view := ansi.Strip(fm.View())
	assert.Regexp(t, `Q8_0 .*best · downloaded`, view, "the files table marks it")

	local, err := app.LocalScan(root, compat.DefaultCatalog(), testMachine(), 0)
	require.NoError(t, err)
	var paths []string
	for _, row := range local.Rows {
		paths = append(paths, row.Repo+":"+row.Variant+" "+row.Path)
		assert.True(t, row.Complete, "%s", row.Path)
	}
	assert.Equal(t, []string{"getorg/tiny-GGUF:Q8_0 " + want}, paths, "local lists it where the browser put it")
	assert.False(t, strings.Contains(view, "error"), "%s", view)
}
