package ui

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCheatSheetIsTheKeymap(t *testing.T) {
	sheet := CheatSheet()
	km := defaultKeyMap("")
	n := 0
	for _, g := range km.FullHelp() {
		n += len(g)
	}
	assert.LessOrEqual(t, len(sheet), n)
	for _, want := range []KeyHelp{{"/", "filter"}, {"p", "pick"}, {"q", "quit"}, {"m", "fits this machine only"}, {"+", "more context"},
		{"r", "refresh, retry"}, {"esc", "back, clear filter, cancel"}} {
		assert.Contains(t, sheet, want)
	}
	seen := map[string]bool{}
	for _, h := range sheet {
		assert.False(t, seen[h.Keys], "listed twice: %v", h)
		seen[h.Keys] = true
	}
}
