package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/list"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/modelbrowser/modelbrowser/internal/query"
)

// columns is the row layout for one width: how wide each column is, 0 for a
// column dropped because the width cannot hold it.
type columns struct {
	width   int
	id      int
	family  int
	formats int
	params  int
	context int
	fit     int // the FIT column: "✓ Q5_K_M   5.3G"
	stat    int
	// statOf is what the last column shows: the figure the Hub sorts by,
	// so that the order can be seen.
	statOf stat
}

// stat is a figure the last column can show.
type stat int

const (
	statDownloads stat = iota
	statLikes
	statUpdated
)

// statFor is the last column for a sort order. Trending has no figure of
// its own on the Hub's model list: downloads stand in.
func statFor(sort string) stat {
	switch sort {
	case query.SortLikes:
		return statLikes
	case query.SortUpdated:
		return statUpdated
	}
	return statDownloads
}

func (s stat) title() string {
	return [...]string{statDownloads: "DOWNLOADS", statLikes: "LIKES", statUpdated: "UPDATED"}[s]
}

func (s stat) width() int {
	if s == statUpdated {
		return len("2006-01-02")
	}
	return len("DOWNLOADS")
}

func (s stat) of(it *item) string {
	switch s {
	case statLikes:
		return it.likes
	case statUpdated:
		return it.updated
	}
	return it.downloads
}

const (
	gutterWidth = 2 // "› " marks the selected row
	badgeWidth  = 2 // "✓ "
	minIDWidth  = 24
	// wantIDWidth is the room the id gets before FIT and the figures
	// lose theirs: family and formats go first.
	wantIDWidth = 36
	fitWidth    = 19 // glyph, label (11), size (5); notHereCell fits whole
	fitLabel    = fitWidth - 2 - 6
	maxIDWidth  = 56 // wider ids are rare; the room goes to formats
	maxFormats  = 28
)

// layoutColumns fits the columns into width, dropping the least useful ones
// first until the model id has room: formats and family while the id has
// less than wantIDWidth, then the sort's figure, parameters, context and
// FIT while it has less than minIDWidth. The last column shows what sort
// orders by.
func layoutColumns(width int, sort string) columns {
	st := statFor(sort)
	c := columns{width: width, family: 8, formats: 12, params: 6, context: 7, fit: fitWidth, stat: st.width(), statOf: st} // context: "1010000"
	for _, drop := range []struct {
		w    *int
		want int
	}{{&c.formats, wantIDWidth}, {&c.family, wantIDWidth}, {&c.stat, minIDWidth}, {&c.params, minIDWidth}, {&c.context, minIDWidth}, {&c.fit, minIDWidth}} {
		if width-c.fixed() >= drop.want {
			continue
		}
		*drop.w = 0
	}
	if c.fit == 0 && width-c.fixed()-2 >= minIDWidth {
		c.fit = 1 // the level's glyph alone
	}
	c.id = max(1, width-c.fixed())
	if c.id > maxIDWidth && c.formats > 0 {
		grow := min(c.id-maxIDWidth, maxFormats-c.formats)
		c.formats += grow
		c.id -= grow
	}
	return c
}

// fixed is the width of everything but the id column.
func (c columns) fixed() int {
	n := gutterWidth + badgeWidth
	for _, w := range []int{c.family, c.formats, c.params, c.context, c.fit, c.stat} {
		if w > 0 {
			n += w + 1
		}
	}
	return n
}

func (c columns) header() string {
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", gutterWidth+badgeWidth))
	fitTitle := "FIT"
	if c.fit < len(fitTitle) {
		fitTitle = ""
	}
	c.cells(&b, "MODEL", "FAMILY", "FORMATS", "PARAMS", "CTX", fitTitle, c.statOf.title(), nil)
	return ansi.Truncate(b.String(), c.width, "")
}

// row is everything right of the badge, exactly as wide as the columns,
// in style, the FIT cell in its level's style.
func (c columns) row(it *item, worker string, notHere map[string]bool, st *Styles, style lipgloss.Style) string {
	var b strings.Builder
	b.Grow(c.width + 32)
	w := it.shownWorker(worker)
	glyph, text, level := it.fitColumn(w, notHere[w])
	var fitStyle *lipgloss.Style
	if c.fit > 0 {
		s := st.level(level)
		fitStyle = &s
	}
	fitCell := fitText(glyph, text)
	switch {
	case c.fit < fitWidth && glyph == notHereCell:
		fitCell = notHereMark
	case c.fit < fitWidth:
		fitCell = glyph
	}
	c.cells(&b, it.id, it.family, it.formats, it.params, it.context, fitCell, c.statOf.of(it), &style)
	if fitStyle == nil {
		return b.String()
	}
	// cells left a marker for the FIT cell: style it apart.
	before, after, _ := strings.Cut(b.String(), fitMarker)
	cellText, rest, _ := strings.Cut(after, fitMarker)
	return style.Render(before) + fitStyle.Render(cellText) + style.Render(rest)
}

// fitMarker brackets the FIT cell inside a row while it is built.
const fitMarker = "\x00"

// fitText is the FIT cell's text: the glyph, then the label and size.
func fitText(glyph, text string) string {
	if text == "" {
		return glyph
	}
	label, size, _ := strings.Cut(text, " ")
	var b strings.Builder
	b.WriteString(glyph + " ")
	cell(&b, label, fitLabel, false)
	b.WriteByte(' ')
	cell(&b, size, 5, true)
	return b.String()
}

// cells writes the cells of one line; with rowStyle set (a row, not the
// titles), the FIT cell goes between two fitMarkers.
func (c columns) cells(b *strings.Builder, id, family, formats, params, context, fitCell, stat string, rowStyle *lipgloss.Style) {
	cell(b, id, c.id, false)
	for i, x := range []struct {
		s     string
		w     int
		right bool
	}{{family, c.family, false}, {formats, c.formats, false}, {params, c.params, true}, {context, c.context, true}, {fitCell, c.fit, false}, {stat, c.stat, true}} {
		if x.w > 0 {
			b.WriteByte(' ')
			if i == 4 && rowStyle != nil {
				b.WriteString(fitMarker)
				cell(b, x.s, x.w, x.right)
				b.WriteString(fitMarker)
				continue
			}
			cell(b, x.s, x.w, x.right)
		}
	}
}

// cell writes s cut or padded to exactly w cells.
func cell(b *strings.Builder, s string, w int, right bool) {
	sw := ansi.StringWidth(s)
	if sw > w {
		s = ansi.Truncate(s, w, "…")
		sw = ansi.StringWidth(s)
	}
	pad := strings.Repeat(" ", max(0, w-sw))
	if right {
		b.WriteString(pad)
		b.WriteString(s)
		return
	}
	b.WriteString(s)
	b.WriteString(pad)
}

// fastFilter is the list's filter over lower-cased ids. Every space-separated
// word of the term must occur in the id, as a substring or failing that as a
// subsequence (fuzzy). Ids whose org or name (after the "/") starts with the
// first word come first, then other substring matches, then fuzzy ones, each group
// in load order, which keeps the Hub's sort. It is linear and allocation-light:
// the bubbles default (sahilm/fuzzy plus a sort) is several times slower on
// 10,000 ids.
func fastFilter(term string, targets []string) []list.Rank {
	words := strings.Fields(strings.ToLower(term))
	if len(words) == 0 {
		out := make([]list.Rank, len(targets))
		for i := range targets {
			out[i] = list.Rank{Index: i}
		}
		return out
	}
	var groups [3][]list.Rank
	for i, t := range targets {
		g := matchGroup(words, t)
		if g >= 0 {
			groups[g] = append(groups[g], list.Rank{Index: i})
		}
	}
	out := make([]list.Rank, 0, len(groups[0])+len(groups[1])+len(groups[2]))
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// matchGroup ranks target against words: 0 name prefix, 1 substring,
// 2 fuzzy, -1 no match.
func matchGroup(words []string, target string) int {
	group := 0
	for i, w := range words {
		at := strings.Index(target, w)
		switch {
		case at < 0 && isSubsequence(w, target):
			group = 2
		case at < 0:
			return -1
		case i == 0 && (at == 0 || target[at-1] == '/' || strings.HasPrefix(target[strings.LastIndexByte(target, '/')+1:], w)):
			// The org or the name starts with it, even when it occurs
			// earlier too: "llama" in meta-llama/llama-3.1-8b.
		default:
			group = max(group, 1)
		}
	}
	return group
}

func isSubsequence(needle, hay string) bool {
	j := 0
	for i := 0; i < len(hay) && j < len(needle); i++ {
		if hay[i] == needle[j] {
			j++
		}
	}
	return j == len(needle)
}
