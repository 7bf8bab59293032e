package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const oneModel = `{"id":"org/m","tags":["gguf"],"gguf":{"architecture":"llama","context_length":4096}}`

// Files and standard input in turn; a missing file and a part that is no
// model are told and end in exit 2, the rest judged.
func TestJudgeRunFilesAndNotes(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.jsonl")
	require.NoError(t, os.WriteFile(good, []byte(oneModel+"\ngarbage\n"), 0o644))
	var out bytes.Buffer
	var notes []string
	run := JudgeRun{Files: []string{good, filepath.Join(dir, "missing\x1b[2J.json"), "-"}, Stdin: strings.NewReader(oneModel + "\n"),
		Stdout: &out, Note: func(s string) { notes = append(notes, s) }}
	assert.Equal(t, Exit(ExitError), run.Run(context.Background(), localSession(t)))
	assert.Equal(t, 2, strings.Count(out.String(), "\n"), out.String())
	require.Len(t, notes, 3)
	assert.True(t, strings.HasPrefix(notes[0], "judge: "+good+": line 2: skipped: "), notes[0])
	assert.Equal(t, []string{
		"judge: cannot read " + filepath.Join(dir, "missing.json") + ": no such file or directory",
		"judge: skipped 1 part that is not JSON or not a model",
	}, notes[1:])

	// No file is standard input; all well is exit 0.
	out.Reset()
	notes = nil
	run = JudgeRun{Stdin: strings.NewReader(oneModel), Stdout: &out, Note: func(s string) { notes = append(notes, s) }}
	require.NoError(t, run.Run(context.Background(), localSession(t)))
	assert.Contains(t, out.String(), `"id":"org/m"`)
	assert.Empty(t, notes)
}

type pipeGone struct{}

func (pipeGone) Write([]byte) (int, error) { return 0, syscall.EPIPE }

// A reader that went away (| head) ends judge quietly, exit 0.
func TestJudgeRunReaderGone(t *testing.T) {
	run := JudgeRun{Stdin: strings.NewReader(oneModel + "\n"), Stdout: pipeGone{}, Note: func(s string) { t.Errorf("note: %s", s) }}
	assert.NoError(t, run.Run(context.Background(), localSession(t)))
}
