package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/fit"
)

func TestLocalTable(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, LocalTable(&b, Local{Root: "/hub\x1b[2J", Rows: []LocalRow{}}))
	assert.Equal(t, "nothing in /hub\n", b.String())

	b.Reset()
	l := Local{Root: "/hub", Total: 3 << 30, Rows: []LocalRow{
		{Repo: "org/a-GGUF", Variant: "Q4_K_M", Size: 2 << 30, Commit: "0123456789abcdef", Complete: true, Compatible: true, Worker: "llama", Fit: fit.Fits, Path: "/hub/a.gguf"},
		{Repo: "org/b\x07", Variant: "(partial)", Size: 1 << 30, Commit: "fedcba", Path: "/hub/b"},
	}}
	require.NoError(t, LocalTable(&b, l))
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	require.Len(t, lines, 4)
	assert.Regexp(t, `^REPO +VARIANT +SIZE +COMMIT +STATE +WORKER +FIT +PATH$`, lines[0])
	assert.Regexp(t, `^org/a-GGUF +Q4_K_M +2\.0 GiB +0123456789ab +complete +llama +`+fit.Fits.Words()+` +/hub/a\.gguf$`, lines[1])
	assert.Regexp(t, `^org/b +\(partial\) +1\.0 GiB +fedcba +incomplete +✗ none +\? +/hub/b$`, lines[2])
	assert.Regexp(t, `^total +3\.0 GiB`, lines[3])
}
