package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runes is one key message holding several runes: what Bubble Tea v1
// delivers when keys arrive in one read (a fast typist, a held key, a
// slow terminal link).
func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

// Keys that arrive together act as the same keys one by one: "jj" moves
// two rows, "qq" quits, "jk" comes back. In the search prompt and the
// filter they stay text, as typed; a key that opens one makes the rest of
// its message the text.
func TestKeysArrivingTogether(t *testing.T) {
	base := started(t, newFake(fixtureModels(), 50), 80, 24)
	for _, tc := range []struct{ together, oneByOne string }{
		{"jj", "j j"}, {"jjj", "j j j"}, {"jk", "j k"}, {"jjk", "j j k"}, {"Gg", "G g"},
	} {
		t.Run(tc.together, func(t *testing.T) {
			m, cmd := update(base, runes(tc.together))
			m = run(t, m, cmd)
			want := base
			for _, k := range strings.Fields(tc.oneByOne) {
				want = press(t, want, k)
			}
			assert.Equal(t, selectedID(want), selectedID(m))
			assert.NotEqual(t, selectedID(base), selectedID(press(t, base, "j", "j")), "the test moves at all")
		})
	}

	_, cmd := update(base, runes("qq"))
	assert.True(t, quits(cmd), "qq quits")
	picked, cmd := update(base, runes("jpj"))
	assert.True(t, quits(cmd), "p picks and quits")
	assert.Equal(t, selectedID(press(t, base, "j")), picked.result.Judged.Model.ID, "the row the first j chose")
	assert.Equal(t, selectedID(press(t, base, "j")), selectedID(picked), "nothing after the pick")

	// In the search prompt the runes are text, as they came.
	m := press(t, base, "s", "backspace", "backspace", "backspace")
	require.True(t, m.prompting)
	m, cmd = update(m, runes("qq"))
	assert.False(t, quits(cmd))
	m = run(t, m, cmd)
	assert.Equal(t, "qq", m.prompt.Value())

	// In the filter too.
	m = press(t, base, "/")
	m, cmd = update(m, runes("jq"))
	assert.False(t, quits(cmd))
	m = run(t, m, cmd)
	assert.Equal(t, "jq", m.list.list.FilterValue())

	// A key that opens the filter makes the rest of its message the text.
	m, cmd = update(base, runes("/qw"))
	assert.False(t, quits(cmd))
	m = run(t, m, cmd)
	require.True(t, m.list.filtering())
	assert.Equal(t, "qw", m.list.list.FilterValue())

	// Pasted text is not a string of commands.
	paste := runes("qq")
	paste.Paste = true
	_, cmd = update(base, paste)
	assert.False(t, quits(cmd), "a paste does not quit")
}
