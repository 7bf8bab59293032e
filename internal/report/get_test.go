package report

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestDryRun(t *testing.T) {
	yes, no := true, false
	toFetch, free := int64(3<<30), uint64(10<<30)
	d := Get{Files: []GetFile{{Path: "config.json", Size: 700, Present: &yes}, {Path: "m\x1b[2J.gguf", Size: 3 << 30, Present: &no}}, ToFetch: &toFetch, Free: &free}
	var b bytes.Buffer
	DryRun(&b, d, "/hub")
	assert.Equal(t, "have       700 B  config.json\nfetch    3.0 GiB  m.gguf\nto fetch: 3.0 GiB (3221225472 bytes); free: 10.0 GiB in /hub\n", b.String())
	b.Reset()
	d.Free = nil
	DryRun(&b, d, "/hub")
	assert.Contains(t, b.String(), "; free: unknown in /hub\n")
}

func TestGetProgressOffATerminal(t *testing.T) {
	var b bytes.Buffer
	p := NewGetProgress(&b, false)
	p.Update(Progress{File: 1, Files: 1, Path: "a.gguf", Done: 1 << 20, Size: 2 << 20, Fetched: 1 << 20, Elapsed: time.Second})
	assert.Empty(t, b.String(), "a line per file fetched, not per read")
	p.Update(Progress{File: 1, Files: 1, Path: "a\x07.gguf", Done: 2 << 20, Size: 2 << 20, Fetched: 2 << 20, Elapsed: 2 * time.Second, Finished: true})
	p.Clear()
	assert.Equal(t, "modelbrowser: fetched a.gguf (2 MiB, 1 MiB/s)\n", b.String())
	var none *GetProgress
	none.Update(Progress{Finished: true, Fetched: 1}) // draws nothing, no panic
	none.Clear()
}

func TestGetProgressOnATerminal(t *testing.T) {
	var b bytes.Buffer
	p := NewGetProgress(&b, true)
	now := time.Unix(0, 0)
	p.now = func() time.Time { return now }
	ev := Progress{File: 1, Files: 2, Path: "a.gguf", Done: 1 << 20, Size: 4 << 20, TotalDone: 1 << 20, TotalSize: 4 << 20, Fetched: 1 << 20, Elapsed: time.Second}
	p.Update(ev)
	assert.Equal(t, "\r\x1b[2Kfile 1/2 a.gguf  1 MiB / 4 MiB  1 MiB/s  ETA 3s", b.String())
	b.Reset()
	now = now.Add(50 * time.Millisecond)
	p.Update(ev)
	assert.Empty(t, b.String(), "at most 10 redraws a second")
	p.Clear()
	assert.Equal(t, "\r\x1b[2K", b.String())
	b.Reset()
	p.Clear()
	assert.Empty(t, b.String(), "nothing drawn, nothing to clear")
}
