package card

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/text"
)

func readCard(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	require.NoError(t, err)
	return string(b)
}

// golden renders the sample card at 80 and 120 columns, plain, and pins
// the fields and the body: headings, the table, the code block, the
// link with its address and the images as their alt text.
func TestRenderGolden(t *testing.T) {
	raw := readCard(t, "qwen3.md")
	for _, w := range []int{80, 120} {
		t.Run(map[int]string{80: "80", 120: "120"}[w], func(t *testing.T) {
			r := Render(raw, Options{Width: w, Style: Plain, Profile: termenv.Ascii})
			var b strings.Builder
			for _, f := range r.Front.Fields() {
				b.WriteString(f[0] + ": " + f[1] + "\n")
			}
			b.WriteString("\n" + r.Body + "\n")
			for _, l := range strings.Split(r.Body, "\n") {
				assert.LessOrEqual(t, ansi.StringWidth(l), w, "line %q", l)
			}
			assert.Empty(t, r.Note)
			golden.RequireEqual(t, []byte(b.String()))
		})
	}
}

func TestRenderShowsWhatTheCardSays(t *testing.T) {
	r := Render(readCard(t, "qwen3.md"), Options{Width: 100, Style: Plain, Profile: termenv.Ascii})
	assert.Equal(t, "apache-2.0", r.Front.License)
	assert.Equal(t, []string{"Qwen/Qwen3-0.6B-Base"}, r.Front.BaseModel)
	assert.Equal(t, []string{"en", "zh"}, r.Front.Languages)
	assert.Equal(t, "text-generation", r.Front.Pipeline)
	assert.Equal(t, []string{"example/open-instruct"}, r.Front.Datasets)
	body := ansi.Strip(r.Body)
	for _, want := range []string{
		"# Qwen3-0.6B", "## Quickstart",
		"blog https://qwenlm.github.io/blog/qwen3/", // a link: its text and address
		"the architecture",                          // an image: its alt text
		"Image: Chat",                               // an HTML <img>: its alt text
		"Thinking", "0.95",                          // the table
		`from_pretrained("Qwen/Qwen3-0.6B")`, // the code block
	} {
		assert.Contains(t, body, want)
	}
	assert.NotContains(t, body, "license_link", "the front matter is not body text")
	assert.NotContains(t, body, "<img", "HTML tags are not drawn")
}

// A card is Hub text: whatever escape sequences and control characters
// it holds, the only ones in the rendering are the renderer's own SGR
// styling, in every style.
func TestRenderNeverPassesControlsThrough(t *testing.T) {
	raw := "---\nlicense: \"mit\\e]8;;http://evil\\a\"\nbase_model: \"a\\x9b31mb\"\n---\n" +
		"# Title \x1b[31mred\x1b[0m\n\n" +
		"A link \x1b]8;;https://evil.example\x07click\x1b]8;;\x07 here.\n\n" +
		"An OSC 52 \x1b]52;c;ZXZpbA==\x07 copy, a title \x1b]0;pwned\x1b\\ set.\n\n" +
		"C1: \u009b31m CSI, \u009d0;t\u009c OSC, bell \a, backspace \b, NUL \x00, DEL \x7f.\n\n" +
		"Bidi \u202eevil\u202c text.\n\n" +
		"```\ncode \x1b[2J clear\n```\n\n" +
		"| a | b |\n|---|---|\n| \x1b[5mblink | \x9b1m |\n"
	for name, st := range map[string]Style{"dark": Dark, "light": Light, "plain": Plain} {
		t.Run(name, func(t *testing.T) {
			r := Render(raw, Options{Width: 60, Style: st, Profile: termenv.TrueColor})
			all := r.Body
			for _, f := range r.Front.Fields() {
				all += f[0] + f[1]
			}
			// The renderer's own styling is SGR (ESC [ ... m) only.
			stripped := sgr.ReplaceAllString(all, "")
			for _, c := range stripped {
				if c == '\n' {
					continue
				}
				assert.False(t, text.IsUnsafe(c), "raw %U in %q", c, stripped)
			}
			for _, bad := range []string{"evil.example", "ZXZpbA", "pwned"} {
				if bad == "evil.example" && st == Plain {
					continue // stripped with its sequence in every style; checked below
				}
				assert.NotContains(t, stripped, "]52;", bad)
			}
			assert.NotContains(t, stripped, "]8;")
			assert.NotContains(t, stripped, "]0;")
			assert.Contains(t, ansi.Strip(all), "click")
			assert.Contains(t, ansi.Strip(all), "Title red")
		})
	}
}

func TestRenderCutsACardOverOneMiB(t *testing.T) {
	raw := strings.Repeat("A paragraph of a very long card.\n\n", 3*MaxBytes/2/34)
	require.Greater(t, len(raw), MaxBytes)
	r := Render(raw, Options{Width: 80, Style: Plain, Profile: termenv.Ascii})
	assert.Contains(t, r.Note, "Card cut at 1024 KiB of 1536 KiB; the rest is on the Hub.")
	assert.Less(t, strings.Count(r.Body, "A paragraph"), strings.Count(raw, "A paragraph"))
}

// A clock that moves 30 ms per reading: the budget of 50 ms ends after
// the second piece, and the note says how much was shown.
func TestRenderCutsWhenTheBudgetIsSpent(t *testing.T) {
	raw := strings.Repeat("Some words in a paragraph of a long card.\n\n", 4000) // ~170 KiB: several pieces
	at := time.Unix(0, 0)
	clock := func() time.Time { at = at.Add(30 * time.Millisecond); return at }
	r := Render(raw, Options{Width: 80, Style: Plain, Profile: termenv.Ascii, Now: clock})
	assert.Contains(t, r.Note, "Card cut after 50 ms of rendering")
	assert.Contains(t, r.Note, "5 KiB of 168 KiB shown")
	assert.Greater(t, strings.Count(r.Body, "Some words"), 0)
	assert.Less(t, strings.Count(r.Body, "Some words"), 4000)
}

func TestSplitFront(t *testing.T) {
	for name, tt := range map[string]struct{ in, front, body string }{
		"none":     {"# Title\n", "", "# Title\n"},
		"front":    {"---\nlicense: mit\n---\n# T\n", "license: mit\n", "# T\n"},
		"crlf":     {"---\r\nlicense: mit\r\n---\r\nbody", "license: mit\r\n", "body"},
		"unclosed": {"---\nlicense: mit\n# T\n", "", "---\nlicense: mit\n# T\n"},
		"only":     {"---\nlicense: mit\n---", "license: mit\n", ""},
		"bom":      {"\ufeff---\na: b\n---\nx", "a: b\n", "x"},
	} {
		t.Run(name, func(t *testing.T) {
			f, b := Split(tt.in)
			assert.Equal(t, tt.front, f)
			assert.Equal(t, tt.body, b)
		})
	}
}

func TestParseFront(t *testing.T) {
	for name, tt := range map[string]struct {
		in   string
		want Front
	}{
		"strings":               {"license: mit\nbase_model: a/b\nlanguage: en\npipeline_tag: text-generation", Front{License: "mit", BaseModel: []string{"a/b"}, Languages: []string{"en"}, Pipeline: "text-generation"}},
		"lists":                 {"base_model: [a/b, c/d]\ndatasets:\n- x\n- y", Front{BaseModel: []string{"a/b", "c/d"}, Datasets: []string{"x", "y"}}},
		"not yaml":              {"license: [unclosed", Front{}},
		"a list":                {"- a\n- b", Front{}},
		"mapping value ignored": {"license:\n  name: x", Front{}},
		"number":                {"license: 2", Front{License: "2"}},
		"controls":              {"license: \"a\\e[31mb\\nc\"", Front{License: "ab c"}},
	} {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tt.want, ParseFront(tt.in))
		})
	}
}

func TestFieldsNameHowManyMore(t *testing.T) {
	f := Front{Languages: []string{"a", "b", "c", "d", "e", "f", "g", "h"}}
	assert.Equal(t, [][2]string{{"languages", "a, b, c, d, e, f, +2 more"}}, f.Fields())
}

// sgr is one SGR sequence, the only escape the renderer writes.
var sgr = regexp.MustCompile("\x1b\\[[0-9;:]*m")
