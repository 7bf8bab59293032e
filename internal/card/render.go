package card

import (
	"fmt"
	"iter"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/glamour"
	"github.com/charmbracelet/glamour/ansi"
	"github.com/charmbracelet/glamour/styles"
	xansi "github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
)

// Style is the look of a rendered card, chosen like the rest of the UI.
type Style int

const (
	// Dark is for a dark terminal background.
	Dark Style = iota
	// Light is for a light one.
	Light
	// Plain has no colour (NO_COLOR): structure is shown by markers
	// (# before headings, ** around bold), as glamour's notty style.
	Plain
)

// DefaultBudget is how long a card may take to render before the rest is
// cut with a note.
const DefaultBudget = 50 * time.Millisecond

// Options are how a card is rendered.
type Options struct {
	// Width is the pane's width in cells; every line fits it.
	Width int
	Style Style
	// Profile is the terminal's colour profile (termenv.Ascii: no
	// colour at all).
	Profile termenv.Profile
	// Budget is how long rendering may take; the rest of the card is
	// cut with a note. 0 is DefaultBudget.
	Budget time.Duration
	// Now is the clock the budget is measured with; nil is time.Now.
	Now func() time.Time
}

// Rendered is a card ready to draw: the front matter's fields, the body
// rendered for the terminal, and a note when some of it was cut.
type Rendered struct {
	Front Front
	Body  string
	Note  string
}

// chunkBytes is the size of the pieces the body is rendered in, so that
// the time budget is looked at between them; hardChunkBytes is where a
// piece is cut even inside a paragraph or a code block.
const (
	chunkBytes     = 4 << 10
	hardChunkBytes = 16 << 10
)

// Render renders a card's text (raw README.md) for a pane of o.Width
// cells.
func Render(raw string, o Options) Rendered {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	budget := o.Budget
	if budget <= 0 {
		budget = DefaultBudget
	}
	start := now()
	width := max(10, o.Width)

	var note string
	if len(raw) > MaxBytes {
		cut := strings.LastIndexByte(raw[:MaxBytes], '\n')
		if cut < 0 {
			cut = MaxBytes
		}
		note = fmt.Sprintf("Card cut at %s of %s; the rest is on the Hub.", kib(cut), kib(len(raw)))
		raw = raw[:cut]
	}
	front, body := Split(raw)
	out := Rendered{Front: ParseFront(front)}

	r, err := glamour.NewTermRenderer(
		glamour.WithStyles(styleConfig(o.Style)),
		glamour.WithWordWrap(width),
		glamour.WithColorProfile(o.Profile),
	)
	// Split first, then clean each piece as it is rendered: a card cut
	// by the budget costs no work for the pieces never shown.
	var b strings.Builder
	done, i := 0, 0
	var last time.Duration // how long the last piece took
	for c := range pieces(body) {
		t := now()
		// Stop before a piece that would likely end past the budget.
		if i > 0 && t.Sub(start)+last > budget {
			note = strings.TrimSpace(note + " " + fmt.Sprintf("Card cut after %d ms of rendering: %s of %s shown; the rest is on the Hub.",
				budget.Milliseconds(), kib(done), kib(len(body))))
			break
		}
		size := len(c)
		c = plainHTMLImages(sanitizeBody(c))
		s := ""
		if err == nil {
			s, err = r.Render(c)
		}
		if err != nil { // glamour failed: the sanitized text, wrapped
			s = xansi.Wrap(c, width, "")
		}
		b.WriteString(s)
		done += size
		last = now().Sub(t)
		i++
	}
	out.Body = fitWidth(strings.Trim(b.String(), "\n"), width)
	out.Note = note
	return out
}

// styleConfig is glamour's style for s, with images shown as their alt
// text and address and no emoji.
func styleConfig(s Style) ansi.StyleConfig {
	var c ansi.StyleConfig
	switch s {
	case Light:
		c = styles.LightStyleConfig
	case Plain:
		c = styles.NoTTYStyleConfig
	default:
		c = styles.DarkStyleConfig
	}
	return c
}

// fitWidth hard-wraps the lines still wider than width (a long address,
// a word longer than the pane) and drops the padding glamour leaves at
// their ends.
func fitWidth(s string, width int) string {
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		if xansi.StringWidth(l) > width {
			l = xansi.Hardwrap(l, width, true)
		}
		for _, w := range strings.Split(l, "\n") {
			out = append(out, trimPadding(w))
		}
	}
	return strings.Join(out, "\n")
}

// trimPadding drops trailing spaces of a line whose end is plain text.
func trimPadding(l string) string {
	if !strings.HasSuffix(l, " ") {
		return l
	}
	return strings.TrimRight(l, " ")
}

// fence reports whether line opens or closes a fenced code block, and its
// marker.
func fence(line string) (string, bool) {
	t := strings.TrimLeft(line, " ")
	if len(line)-len(t) > 3 {
		return "", false
	}
	for _, m := range []string{"```", "~~~"} {
		if strings.HasPrefix(t, m) {
			n := len(t) - len(strings.TrimLeft(t, m[:1]))
			return strings.Repeat(m[:1], n), true
		}
	}
	return "", false
}

// pieces cuts a body into pieces of about chunkBytes at blank lines
// outside code blocks, and at hardChunkBytes anywhere (a code block cut
// there is closed and opened again). It reads the body only as far as
// the pieces are asked for.
func pieces(body string) iter.Seq[string] {
	return func(yield func(string) bool) {
		if len(body) <= chunkBytes {
			yield(body)
			return
		}
		var cur strings.Builder
		open := "" // the marker of the code block we are in
		flush := func() bool {
			if cur.Len() == 0 {
				return true
			}
			s := cur.String()
			cur.Reset()
			return yield(s)
		}
		for line := range strings.Lines(body) {
			if m, ok := fence(line); ok {
				switch {
				case open == "":
					open = m
				case strings.HasPrefix(m, open) && strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(line), m[:1])) == "":
					open = ""
				}
			}
			cur.WriteString(line)
			switch {
			case cur.Len() >= chunkBytes && open == "" && strings.TrimSpace(line) == "":
				if !flush() {
					return
				}
			case cur.Len() >= hardChunkBytes:
				if open != "" {
					cur.WriteString("\n" + open + "\n")
					if !flush() {
						return
					}
					cur.WriteString(open + "\n")
				} else if !flush() {
					return
				}
			}
		}
		flush()
	}
}

// htmlImage is an HTML <img> tag; its alt attribute is htmlAlt.
var (
	htmlImage = regexp.MustCompile(`(?is)<img\b[^>]*>`)
	htmlAlt   = regexp.MustCompile(`(?is)\balt\s*=\s*(?:"([^"]*)"|'([^']*)')`)
)

// plainHTMLImages replaces each HTML <img> outside code blocks with its
// alt text ("Image: alt"), which the renderer's HTML sanitizer would
// otherwise drop with the tag; the rest of the HTML is shown as its text.
func plainHTMLImages(body string) string {
	if !strings.Contains(body, "<img") && !strings.Contains(body, "<IMG") {
		return body
	}
	lines := strings.Split(body, "\n")
	open := ""
	for i, line := range lines {
		if m, ok := fence(line); ok {
			if open == "" {
				open = m
			} else if strings.HasPrefix(m, open) {
				open = ""
			}
			continue
		}
		if open != "" {
			continue
		}
		lines[i] = htmlImage.ReplaceAllStringFunc(line, func(tag string) string {
			a := htmlAlt.FindStringSubmatch(tag)
			if a == nil || a[1]+a[2] == "" {
				return ""
			}
			return "Image: " + a[1] + a[2]
		})
	}
	return strings.Join(lines, "\n")
}

// kib is a size in whole KiB, rounded up.
func kib(n int) string { return strconv.Itoa((n+1023)/1024) + " KiB" }
