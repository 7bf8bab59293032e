package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

// hostile carries terminal escape sequences in every piece of Hub text the
// list and the detail pane show: tags, licence, file names, pipeline and
// library tags, architecture and quantization method.
func hostile() compat.Model {
	const osc, cls, csi1, bel = "\x1b]0;pwned\x07", "\x1b[2J", "\u009b31m", "\x07"
	return model(compat.Raw{
		ID:              "evil/hostile-llama",
		ConfigModelType: "llama" + csi1, // an unknown architecture, shown as such
		QuantMethod:     "awq" + osc,
		HasSafetensors:  true,
		HasSiblings:     true,
		Siblings:        []string{"model" + cls + ".safetensors", "x" + osc + ".gguf", "weights" + bel + ".Q4_K_M.gguf"},
		Tags:            []string{"llama", "tag" + osc, cls},
		PipelineTag:     "text" + csi1 + "-generation",
		LibraryName:     "transformers" + bel,
		License:         "mit" + osc,
		Downloads:       1234,
	})
}

// Hub text with escape sequences reaches the screen inert: no ESC, BEL,
// C1 or bidi control in any frame, in the list, the full-screen detail and
// the side-by-side detail (which has focus once opened), scrolled to the
// end.
func TestHubTextIsInertOnScreen(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {140, 60}} {
		f := newFake([]compat.Model{hostile()}, 10)
		m := started(t, f, size[0], size[1])
		m = press(t, m, "c") // show it even though it is incompatible
		frames := []string{m.View()}
		m = press(t, m, "enter")
		frames = append(frames, m.View())
		for range 20 {
			m, _ = update(m, tea.KeyMsg{Type: tea.KeyPgDown})
			frames = append(frames, m.View())
		}
		joined := strings.Join(frames, "\n")
		require.Contains(t, joined, "hostile-llama", "the model is on screen")
		require.Contains(t, joined, "mit", "its licence too, minus the escape")
		for _, r := range joined {
			switch {
			case r == '\n':
			case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
				t.Fatalf("%dx%d: control %U on screen", size[0], size[1], r)
			}
		}
	}
}
