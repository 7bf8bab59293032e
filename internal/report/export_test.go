package report

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Off a terminal: a line every 10 pages of this run, the waits of a
// second or more, notes, and the summary last.
func TestExportProgressOffATerminal(t *testing.T) {
	var b bytes.Buffer
	p := NewExportProgress(&b, false)
	p.Requests = func() int64 { return 12 }
	p.Start(ExportCount{Pages: 3, Scanned: 300, Kept: 30})
	for pg := int64(4); pg <= 23; pg++ {
		p.Page(ExportCount{Pages: pg, Scanned: pg * 100, Kept: pg * 10})
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	require.Len(t, lines, 2, b.String())
	assert.Regexp(t, `^modelbrowser: export: page 13: 1,300 scanned, 130 kept \(10\.0%\), 12 requests, [\d.]+ pages/s$`, lines[0])
	assert.Contains(t, lines[1], "page 23: 2,300 scanned")

	b.Reset()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, p.Wait("the Hub's rate limit")(ctx, 90*time.Second), context.Canceled)
	assert.Equal(t, "modelbrowser: export: waiting 1m30s (the Hub's rate limit)\n", b.String())

	b.Reset()
	p.Note("export: left out 1 model\x1b[2J")
	p.Finish(ExportCount{Pages: 23, Scanned: 2300, Kept: 0})
	lines = strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	require.Len(t, lines, 2)
	assert.Equal(t, "modelbrowser: export: left out 1 model", lines[0])
	assert.Regexp(t, `^modelbrowser: export: 2,300 scanned, 0 kept \(0\.0%\), 23 pages, 12 requests, \S+$`, lines[1])
}

// On a terminal: one line in place, cleared before a note and the
// summary.
func TestExportProgressOnATerminal(t *testing.T) {
	var b bytes.Buffer
	p := NewExportProgress(&b, true)
	p.Page(ExportCount{Pages: 1, Scanned: 0, Kept: 0})
	assert.True(t, strings.HasPrefix(b.String(), "\r\x1b[Kpage 1: 0 scanned, 0 kept (0%), 0 requests"), "%q", b.String())
	assert.NotContains(t, b.String(), "\n")
	b.Reset()
	p.Note("hello")
	assert.Equal(t, "\r\x1b[Kmodelbrowser: hello\n", b.String())
	b.Reset()
	p.Finish(ExportCount{Pages: 1})
	assert.True(t, strings.HasPrefix(b.String(), "modelbrowser: export: 0 scanned"), "nothing in place to clear: %q", b.String())
}
