// Package card reads and renders a model card: a repository's README.md
// as the Hub serves it. It splits off the YAML front matter (the fields a
// person picks a model by: licence, base model, languages, pipeline,
// datasets) and renders the Markdown body for a terminal with glamour.
//
// A card is Hub text. Every control character and escape sequence is
// removed before rendering (text.Sanitize, line by line), so the only
// styling in the result is the renderer's own; raw HTML is shown as its
// text, images as their alt text and address, links as their text and
// address. A card over MaxBytes is cut, and so is one whose rendering
// runs past its time budget; both say so in a note.
//
// The package is pure: it does no I/O and reads no clock but the one it
// is given.
package card

import (
	"strconv"
	"strings"

	"github.com/modelbrowser/modelbrowser/internal/text"
)

// MaxBytes is the most of a card that is rendered: the Hub's longest
// cards are a few hundred KiB; more is cut with a note.
const MaxBytes = 1 << 20

// Status is whether the Hub gave the card.
type Status int

const (
	// Found: the card is in Text.
	Found Status = iota
	// Missing: the repository has no README.md at that commit.
	Missing
	// Gated: the Hub wants the model's licence accepted first.
	Gated
)

// Card is a repository's README.md as the Hub gave it.
type Card struct {
	Status Status
	// Text is the README.md, raw Hub text (never drawn as it is).
	Text string
	// Reason is the Hub's words for a Missing or Gated card, sanitized
	// by whoever draws it.
	Reason string
}

// Front is the front matter's fields, sanitized, one line each.
type Front struct {
	License   string
	BaseModel []string
	Languages []string
	Pipeline  string
	Datasets  []string
	Library   string
}

// Empty reports whether the front matter gave none of the fields.
func (f Front) Empty() bool {
	return f.License == "" && len(f.BaseModel) == 0 && len(f.Languages) == 0 && f.Pipeline == "" &&
		len(f.Datasets) == 0 && f.Library == ""
}

// Fields are the front matter's fields as label and value, in the order
// a person reads them, the empty ones left out. Lists longer than
// maxListed say how many more there are.
func (f Front) Fields() [][2]string {
	var out [][2]string
	add := func(label, v string) {
		if v != "" {
			out = append(out, [2]string{label, v})
		}
	}
	add("license", f.License)
	add("base model", listed(f.BaseModel))
	add("pipeline", f.Pipeline)
	add("library", f.Library)
	add("languages", listed(f.Languages))
	add("datasets", listed(f.Datasets))
	return out
}

// maxListed is how many values of a list field are named.
const maxListed = 6

func listed(vs []string) string {
	if len(vs) <= maxListed {
		return strings.Join(vs, ", ")
	}
	return strings.Join(vs[:maxListed], ", ") + ", +" + strconv.Itoa(len(vs)-maxListed) + " more"
}

// sanitizeBody makes the Markdown safe to hand to the renderer: line
// endings normalised, tabs expanded to four spaces (Markdown reads a tab
// as an indent), and each line passed through text.Sanitize, which
// removes escape sequences (CSI, OSC, DCS, 7-bit and 8-bit), C0 and C1
// controls, DEL, bidirectional controls and invalid UTF-8.
func sanitizeBody(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.ReplaceAll(s, "\t", "    ")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = text.Sanitize(l)
	}
	return strings.Join(lines, "\n")
}
