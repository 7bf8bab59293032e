package ui

import (
	"bytes"
	"context"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/query"
)

// watchWriter is a terminal stand-in: it keeps what is drawn and closes
// seen once want has been drawn.
type watchWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	want []byte
	seen chan struct{}
	once sync.Once
}

func (w *watchWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if bytes.Contains(w.buf.Bytes(), w.want) {
		w.once.Do(func() { close(w.seen) })
	}
	return len(p), nil
}

// TestRunWiresOutputAndInput runs the real program: it draws on Output
// (the alternate screen), reads keys from Input and returns the Result.
// Picking is covered by the teatest runs: a program without a terminal
// gets no window size, so it draws no list to wait for.
func TestRunWiresOutputAndInput(t *testing.T) {
	keepDefaultRenderer(t)
	in, keys := io.Pipe()
	out := &watchWriter{want: []byte("\x1b[?1049h"), seen: make(chan struct{})}
	done := make(chan struct{})
	var res Result
	var err error
	go func() {
		defer close(done)
		res, err = Run(context.Background(), Options{Query: query.Query{Text: "llm"}, Catalog: compatCatalog(),
			Searcher: newFake(fixtureModels(), 50), Now: clock, Output: out, Input: in, NoColor: true})
	}()
	select {
	case <-out.seen:
	case <-time.After(5 * time.Second):
		t.Fatal("Run never drew on Output")
	}
	_, _ = keys.Write([]byte("q"))
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after q")
	}
	require.NoError(t, err)
	assert.False(t, res.Picked)
}

func TestRunEndsWithItsContext(t *testing.T) {
	keepDefaultRenderer(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	in, _ := io.Pipe()
	res, err := Run(ctx, Options{Catalog: compatCatalog(), Searcher: newFake(nil, 50), Now: clock, Output: io.Discard, Input: in})
	assert.ErrorIs(t, err, context.Canceled)
	assert.False(t, res.Picked)
}

// keepDefaultRenderer undoes Run's SetDefaultRenderer after the test, so the
// package's pinned output (TestMain) holds for the tests after it.
func keepDefaultRenderer(t *testing.T) {
	prev := lipgloss.DefaultRenderer()
	t.Cleanup(func() { lipgloss.SetDefaultRenderer(prev) })
}
