package app

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest/hubtesting"
	"github.com/modelbrowser/modelbrowser/internal/query"
	"github.com/modelbrowser/modelbrowser/internal/report"
)

// exportRun is an export of a fake Hub of 60 generated models in pages of
// 10 to a file in a temporary folder; its stderr goes to stderr.
func exportRun(t *testing.T, stderr *bytes.Buffer) *ExportRun {
	t.Helper()
	hub := hubtesting.New(t, hubtest.Options{PageSize: 10, NoFixtures: true, Synthetic: 60})
	home := t.TempDir()
	env := Env{
		Getenv: func(k string) string {
			return map[string]string{"HF_ENDPOINT": hub.URL, "HOME": home, "XDG_CONFIG_HOME": home}[k]
		},
		ReadFile: func(string) ([]byte, error) { return nil, fs.ErrNotExist },
		Now:      time.Now,
		Note:     func(s string) { report.Note(stderr, s) },
	}
	return &ExportRun{Sort: query.SortDownloads, All: true, Out: filepath.Join(t.TempDir(), "out.jsonl"), Env: env,
		Progress: report.NewExportProgress(stderr, false)}
}

func TestExportRunAndAgain(t *testing.T) {
	var stderr bytes.Buffer
	r := exportRun(t, &stderr)
	require.NoError(t, r.Run(context.Background()))
	b, err := os.ReadFile(r.Out)
	require.NoError(t, err)
	assert.Equal(t, 60, strings.Count(string(b), "\n"))
	assert.Regexp(t, `modelbrowser: export: 60 scanned, 60 kept \(100\.0%\), 6 pages, \d+ requests, \S+\n$`, stderr.String())

	// Run again: complete already, nothing to do.
	stderr.Reset()
	r.Progress = report.NewExportProgress(&stderr, false)
	require.NoError(t, r.Run(context.Background()))
	assert.Equal(t, "modelbrowser: export: "+r.Out+" is complete already (60 kept of 60 scanned); nothing to do (--restart starts over)\n", stderr.String())
}

func TestExportRunUsageErrors(t *testing.T) {
	var stderr bytes.Buffer
	var u UsageError
	r := exportRun(t, &stderr)
	r.Out = ""
	require.ErrorAs(t, r.Run(context.Background()), &u)
	assert.Equal(t, "--out FILE is required: the file the lines go to", u.Msg)

	r = exportRun(t, &stderr)
	r.Sort = "biggest"
	require.ErrorAs(t, r.Run(context.Background()), &u)
	assert.Contains(t, u.Msg, `--sort must be one of`)

	// A FILE without FILE.state is refused, FILE untouched.
	r = exportRun(t, &stderr)
	require.NoError(t, os.WriteFile(r.Out, []byte("mine\n"), 0o644))
	require.ErrorAs(t, r.Run(context.Background()), &u)
	b, err := os.ReadFile(r.Out)
	require.NoError(t, err)
	assert.Equal(t, "mine\n", string(b))
	assert.Empty(t, stderr.String())
}

// A failure that outlasts the retries: told, with where to go on, exit 2.
func TestExportRunFailureIsTold(t *testing.T) {
	var stderr bytes.Buffer
	r := exportRun(t, &stderr)
	hub := hubtesting.New(t, hubtest.Options{PageSize: 10, NoFixtures: true, Synthetic: 60})
	hub.Fail(hubtest.Fault{Route: hubtest.RouteList, Page: 3, Status: 404})
	home := t.TempDir()
	r.Env.Getenv = func(k string) string {
		return map[string]string{"HF_ENDPOINT": hub.URL, "HOME": home, "XDG_CONFIG_HOME": home}[k]
	}
	assert.Equal(t, Exit(ExitError), r.Run(context.Background()))
	lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
	require.Len(t, lines, 3, stderr.String())
	assert.True(t, strings.HasPrefix(lines[0], "modelbrowser: export: "), lines[0])
	assert.Equal(t, "modelbrowser: export: the state is saved in "+r.Out+".state: run the same command again to go on from page 3", lines[1])
	assert.Contains(t, lines[2], "export: 20 scanned, 20 kept")
}
