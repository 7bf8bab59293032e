package ui

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/card"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// The card in the detail, full screen at 80 columns and beside the list
// at 120 (the detail gets 60): the front matter's fields, the heading,
// the image as its alt text, the link with its address, the table and
// the code block.
func TestViewCard(t *testing.T) {
	for _, w := range []int{80, 120} {
		t.Run(map[int]string{80: "80", 120: "120"}[w], func(t *testing.T) {
			m := started(t, newFake(fixtureModels(), 50), w, 40)
			m = press(t, m, "j", "i")
			require.True(t, m.detail.cardMode)
			view := ansi.Strip(m.View())
			for _, want := range []string{"Model card", "license", "apache-2.0", "base model", "Qwen/Qwen2.5-7B",
				"en, zh", "# Qwen/Qwen3-8B", "the logo", "technical report", "https://example.org/report", "MMLU", "llama-server -hf Qwen/Qwen3-8B"} {
				assert.Contains(t, view, want)
			}
			golden.RequireEqual(t, []byte(view))
		})
	}
}

// i opens the card (the pane too, when closed), i again goes back to the
// verdict; the detail's keys scroll it; each card is asked once, however
// often it is shown.
func TestCardKeys(t *testing.T) {
	f := newFake(fixtureModels(), 50)
	m := started(t, f, 80, 24)
	m = press(t, m, "i")
	require.True(t, m.detailVisible())
	assert.True(t, m.detail.cardMode)
	assert.Equal(t, []string{"meta-llama/Llama-3.1-8B-Instruct@"}, f.cardsAsked())
	assert.Contains(t, lastLine(ansi.Strip(m.View())), "i verdict & files")

	top := m.detail.vp.YOffset
	m = press(t, m, "j", "j", "pgdown")
	assert.Greater(t, m.detail.vp.YOffset, top, "the detail's keys scroll the card")
	m = press(t, m, "g")
	assert.Equal(t, 0, m.detail.vp.YOffset)

	m = press(t, m, "i")
	assert.False(t, m.detail.cardMode)
	assert.Contains(t, ansi.Strip(m.View()), "Files and fit", "back on the verdict")
	m = press(t, m, "i", "esc", "j", "i", "esc", "k", "i")
	assert.Equal(t, []string{"meta-llama/Llama-3.1-8B-Instruct@", "Qwen/Qwen3-8B@"}, f.cardsAsked(), "each card once")

	// enter opens the verdict, whatever the pane showed last.
	m = press(t, m, "esc", "enter")
	assert.False(t, m.detail.cardMode)
}

// In card mode on a wide terminal the card follows the cursor.
func TestCardFollowsTheCursor(t *testing.T) {
	f := newFake(fixtureModels(), 50)
	m := started(t, f, 120, 30)
	m = press(t, m, "i", "tab", "j")
	assert.Contains(t, ansi.Strip(m.View()), "# Qwen/Qwen3-8B")
	assert.Equal(t, []string{"meta-llama/Llama-3.1-8B-Instruct@", "Qwen/Qwen3-8B@"}, f.cardsAsked())
}

func TestCardStates(t *testing.T) {
	id := "meta-llama/Llama-3.1-8B-Instruct"
	for name, tt := range map[string]struct {
		card card.Card
		err  error
		want []string
	}{
		"gated": {card: card.Card{Status: card.Gated, Reason: "Access to model \x1b[31m" + id + " is restricted."},
			want: []string{"The model card is gated", "https://huggingface.co/" + id, "HF_TOKEN", "The Hub said: Access to model"}},
		"missing": {card: card.Card{Status: card.Missing}, want: []string{"This repository has no model card", "https://huggingface.co/" + id}},
		"failed":  {err: errors.New("offline mode (HF_HUB_OFFLINE) and nothing cached for this request"), want: []string{"Could not load the model card: offline mode"}},
		"empty":   {card: card.Card{Text: "---\nlicense: mit\n---\n"}, want: []string{"license", "mit", "The card has no text beyond its fields."}},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFake(fixtureModels(), 50)
			f.cards[id] = tt.card
			if tt.err != nil {
				f.cardErr[id] = tt.err
			}
			m := press(t, started(t, f, 100, 30), "i")
			view := m.View()
			for _, w := range tt.want {
				assert.Contains(t, ansi.Strip(view), w)
			}
			assert.NotContains(t, view, "\x1b[31m")
		})
	}
}

// A card full of escape sequences and C0/C1 controls reaches the screen
// with none of them raw: the view holds only the UI's own styling.
func TestCardNeverDrawsHubControls(t *testing.T) {
	id := "meta-llama/Llama-3.1-8B-Instruct"
	f := newFake(fixtureModels(), 50)
	f.cards[id] = card.Card{Text: "---\nlicense: \"x\\e]52;c;ZXZpbA==\\a\"\n---\n# Hi \x1b]8;;https://evil.example\x07there\x1b]8;;\x07\n\n" +
		"Title \x1b]0;pwned\x1b\\ C1 \u009b2J \u009d0;x\u009c bell \a nul \x00 bidi \u202e.\n\n```\n\x1b[2J\n```\n"}
	m := press(t, started(t, f, 100, 30), "i")
	view := m.View()
	plain := ansi.Strip(view)
	for _, r := range plain {
		if r != '\n' {
			assert.False(t, text.IsUnsafe(r), "raw %U", r)
		}
	}
	for _, bad := range []string{"\x1b]", "\x1b[2J", "\u009b", "\u009d", "pwned", "ZXZpbA", "evil.example"} {
		assert.NotContains(t, view, bad)
	}
	assert.Contains(t, plain, "Hi there")
}

// u puts the Hub page on the status line until the next key: a link
// where the terminal shows them, and a copy with OSC 52 where it takes
// them.
func TestHubURL(t *testing.T) {
	url := "https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct"
	t.Run("plain", func(t *testing.T) {
		m := press(t, started(t, newFake(fixtureModels(), 50), 100, 24), "u")
		status := statusLine(m)
		assert.Equal(t, "Hub page: "+url, strings.TrimSpace(ansi.Strip(status)))
		assert.NotContains(t, m.View(), "\x1b]8;")
		m = press(t, m, "j")
		assert.NotContains(t, ansi.Strip(m.View()), "Hub page:")
	})
	t.Run("link and copy", func(t *testing.T) {
		var out bytes.Buffer
		m := newTestModelWith(newFake(fixtureModels(), 50), 100, 24, func(o *Options) {
			o.Hyperlinks, o.Clipboard, o.Output = true, true, &out
		})
		m = run(t, m, m.Init())
		m = press(t, m, "u")
		assert.Contains(t, m.View(), ansi.SetHyperlink(url)+url+ansi.ResetHyperlink())
		assert.Contains(t, ansi.Strip(statusLine(m)), "(copied)")
		assert.Equal(t, ansi.SetSystemClipboard(url), out.String())
	})
}

func statusLine(m Model) string {
	lines := strings.Split(m.View(), "\n")
	return lines[len(lines)-1-m.helpHeight()]
}
