package ui

import (
	"fmt"
	"net"
	"strings"
	"syscall"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/app"
	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/hf"
	"github.com/modelbrowser/modelbrowser/internal/query"
)

// TestErrorScreenSaysWhatToDoNext: a Hub that cannot be reached (DNS
// failure, connection refused) puts the error, naming the endpoint, and
// then the ways on without it on the error screen, as the CLI prints them;
// no package name; another error adds nothing.
func TestErrorScreenSaysWhatToDoNext(t *testing.T) {
	tests := map[string]struct {
		err  error
		want []string
		next bool
	}{
		"DNS failure": {err: &hf.Error{Kind: hf.Network, Message: "cannot resolve huggingface.co: no such host",
			Err: &net.DNSError{Name: "huggingface.co", Err: "no such host", IsNotFound: true}},
			want: []string{"cannot resolve huggingface.co: no such host"}, next: true},
		"connection refused": {err: fmt.Errorf("page 1: %w", &hf.Error{Kind: hf.Network, Message: "cannot reach 127.0.0.1:1: connection refused",
			Err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}),
			want: []string{"cannot reach 127.0.0.1:1"}, next: true},
		"an answer that broke": {err: &hf.Error{Kind: hf.Network, Message: "the connection to huggingface.co broke while reading",
			Err: &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}},
			want: []string{"broke while reading"}},
		"the Hub failed": {err: &hf.Error{Kind: hf.Unavailable, Status: 503, Message: "the Hub is unavailable"},
			want: []string{"the Hub is unavailable (HTTP 503)"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFake(fixtureModels(), 50)
			f.searchErr[""] = tt.err
			m := New(Options{Query: query.Query{Text: "llm"}, Catalog: compat.DefaultCatalog(), Searcher: f, Now: clock,
				Machine: testMachine(), NextStep: app.NextStep})
			m, _ = update(m, tea.WindowSizeMsg{Width: 100, Height: 24})
			m = run(t, m, m.Init())
			require.NotEmpty(t, m.fatal)
			flat := strings.Join(strings.Fields(ansi.Strip(m.View())), " ")
			for _, w := range tt.want {
				assert.Contains(t, flat, w)
			}
			assert.NotContains(t, flat, "hf:", "no package names")
			if tt.next {
				assert.Contains(t, flat, app.NoNetworkStep)
			} else {
				assert.NotContains(t, flat, "--demo")
			}
			delete(f.searchErr, "")
			m = press(t, m, "r") // retry: the screen goes, its advice too
			assert.Empty(t, m.fatal)
			assert.Empty(t, m.fatalNext)
			assert.NotContains(t, ansi.Strip(m.View()), "--demo")
		})
	}
}
