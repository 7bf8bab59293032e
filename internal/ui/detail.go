package ui

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/modelbrowser/modelbrowser/internal/fit"
)

// detailModel is the detail pane: the explanation of one model's verdict in
// a scrollable viewport under a title line.
type detailModel struct {
	styles *Styles
	cfg    fitConfig
	vp     viewport.Model

	// cursor is the highlighted variant of the fit table; cursorSet once
	// it was put on the best variant for this model, cursorLine is its
	// row's line in the text (-1: not drawn).
	cursor     int
	cursorSet  bool
	cursorLine int

	it      *item  // the model shown; nil when none
	worker  string // the worker the verdict is shown for
	loading bool   // its details are being fetched
	now     time.Time

	width    int
	height   int
	bordered bool // beside the list, behind a divider

	// cardMode shows the model card instead of the verdict (i); card is
	// the shown model's, rendered is its rendering for the last width.
	cardMode bool
	card     *cardEntry
	rendered cardRender
	banner   string // a line under the title (a download's bar), set per View
}

func newDetailModel(st *Styles, cfg fitConfig) detailModel {
	return detailModel{styles: st, cfg: cfg, vp: viewport.New(0, 0), cursorLine: -1}
}

// SetSize gives the pane its size; bordered when it sits beside the list.
func (d *detailModel) SetSize(w, h int, bordered bool) {
	if d.width == w && d.height == h && d.bordered == bordered {
		return
	}
	d.width, d.height, d.bordered = w, h, bordered
	d.vp.Width, d.vp.Height = d.contentWidth(), max(1, h-2)
	d.render()
}

func (d detailModel) contentWidth() int {
	if d.bordered {
		return max(1, d.width-2)
	}
	return max(1, d.width)
}

// show explains it for worker; the scroll goes back to the top when the
// model changes, not when the worker or the details do.
// The fit table's cursor starts on the best variant once the fit is in.
func (d *detailModel) show(it *item, worker string, loading bool, now time.Time) {
	if it != d.it {
		d.vp.GotoTop()
		d.cursorSet = false
		d.card = nil // the root gives the new model's (cardFor)
	}
	d.it, d.worker, d.loading, d.now = it, worker, loading, now
	if n := d.variantCount(); !d.cursorSet && n > 0 {
		d.cursor, d.cursorSet = d.bestIndex(), true
	} else if n > 0 {
		d.cursor = min(d.cursor, n-1)
	}
	d.render()
}

// variantCount is how many variants the fit table lists, 0 before the
// fit is in.
func (d detailModel) variantCount() int {
	if d.it == nil || d.it.fit == nil || d.it.fit.key.worker != d.worker {
		return 0
	}
	return len(d.it.fit.res.Variants)
}

// hasVariants reports whether the cursor keys move over variants: the
// verdict is shown and its fit table is in.
func (d detailModel) hasVariants() bool { return !d.cardMode && d.variantCount() > 0 }

// bestIndex is the best variant's row for the shown worker, else the first.
func (d detailModel) bestIndex() int {
	res := d.it.fit.res
	if b := res.Best[d.worker]; b != nil {
		for i, v := range res.Variants {
			if v.Name == *b {
				return i
			}
		}
	}
	return 0
}

// highlighted is the variant under the cursor, nil when none.
func (d detailModel) highlighted() *fit.VariantFit {
	if d.cursor < 0 || d.cursor >= d.variantCount() {
		return nil
	}
	v := d.it.fit.res.Variants[d.cursor]
	return &v
}

// showing reports whether the pane shows the model with id.
func (d detailModel) showing(id string) bool {
	return d.it != nil && d.it.judged.Model.ID == id
}

func (d *detailModel) render() {
	if d.it == nil || d.width == 0 {
		d.vp.SetContent("")
		return
	}
	if d.cardMode {
		d.vp.SetContent(d.cardContent(d.contentWidth()))
		d.cursorLine = -1
		return
	}
	cursor := -1
	if d.hasVariants() {
		cursor = d.cursor
	}
	content, line := explainWithFit(d.styles, d.it, d.worker, d.now, d.contentWidth(), d.loading, fitPane{cfg: d.cfg, cursor: cursor})
	d.vp.SetContent(content)
	d.cursorLine = line
}

// moveCursor moves the fit table's cursor by delta and scrolls so that its
// row is in view.
func (d *detailModel) moveCursor(delta int) {
	n := d.variantCount()
	d.cursor = max(0, min(n-1, d.cursor+delta))
	d.render()
	if d.cursorLine < 0 {
		return
	}
	switch {
	case d.cursorLine < d.vp.YOffset:
		d.vp.SetYOffset(d.cursorLine)
	case d.cursorLine >= d.vp.YOffset+d.vp.Height:
		d.vp.SetYOffset(d.cursorLine - d.vp.Height + 1)
	}
}

// Update moves the fit table's cursor (up, down) or scrolls on a key.
func (d detailModel) Update(msg tea.Msg, k KeyMap) (detailModel, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return d, nil
	}
	switch {
	case key.Matches(km, k.Up) && d.hasVariants():
		d.moveCursor(-1)
	case key.Matches(km, k.Down) && d.hasVariants():
		d.moveCursor(+1)
	case key.Matches(km, k.Up):
		d.vp.ScrollUp(1)
	case key.Matches(km, k.Down):
		d.vp.ScrollDown(1)
	case key.Matches(km, k.PageUp):
		d.vp.PageUp()
	case key.Matches(km, k.PageDown):
		d.vp.PageDown()
	case key.Matches(km, k.Home):
		d.vp.GotoTop()
	case key.Matches(km, k.End):
		d.vp.GotoBottom()
	}
	return d, nil
}

// View is the title line (model id, loading spinner), a blank line, and the
// viewport, each line behind the divider when bordered.
func (d detailModel) View(focused bool, spin string) string {
	w := d.contentWidth()
	titleStyle := d.styles.PaneTitle
	if focused {
		titleStyle = d.styles.FocusedPaneTitle
	}
	title := "details"
	if d.it != nil {
		title = d.it.id
	}
	right := ""
	switch {
	case d.cardMode && d.cardLoading():
		right = " " + spin + " loading card"
	case d.loading && !d.cardMode:
		right = " " + spin + " loading details"
	case d.cardMode:
		right = " " + d.styles.Subtle.Render("card")
	}
	if pct := d.vp.ScrollPercent(); d.vp.TotalLineCount() > d.vp.Height && !strings.Contains(right, "loading") {
		right += " " + d.styles.Subtle.Render(percent(pct))
	}
	title = ansi.Truncate(title, max(1, w-ansi.StringWidth(right)), "…")
	head := titleStyle.Render(title)
	if gap := w - ansi.StringWidth(title) - ansi.StringWidth(right); gap > 0 {
		head += strings.Repeat(" ", gap)
	}
	body := head + right + "\n" + d.banner + "\n" + d.vp.View()
	if !d.bordered {
		return body
	}
	bar := d.styles.Divider.Render("│") + " "
	lines := strings.Split(body, "\n")
	for i, l := range lines {
		lines[i] = bar + l
	}
	return strings.Join(lines, "\n")
}

// withBanner is the pane with line under its title (one line, at most
// the content width), for one View.
func (d detailModel) withBanner(line string) detailModel {
	d.banner = line
	return d
}

func percent(p float64) string { return strconv.Itoa(int(p*100+0.5)) + "%" }
