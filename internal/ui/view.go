package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/modelbrowser/modelbrowser/internal/query"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// layout hands the window size down, less the root's own chrome: the header
// line, the status line and the help.
func (m *Model) layout() {
	if m.width < minWidth || m.height < minHeight {
		return
	}
	m.help.Width = m.width
	m.prompt.Width = max(1, m.width-ansi.StringWidth(m.prompt.Prompt)-1)
	m.bodyHeight = max(1, m.height-2-m.helpHeight())
	if m.wide() && m.detailOpen {
		dw := max(56, m.width/2)
		m.list.SetSize(m.width-dw, m.bodyHeight)
		m.detail.SetSize(dw, m.bodyHeight, true)
		return
	}
	m.list.SetSize(m.width, m.bodyHeight)
	m.detail.SetSize(m.width, m.bodyHeight, false)
}

// helpHeight is fixed per help mode, whatever keys are enabled, so that the
// layout does not move under the user. The full help gives way on short
// terminals.
func (m Model) helpHeight() int {
	if h := m.keys.fullHelpHeight() + 1; m.help.ShowAll && m.height-2-h >= 5 {
		return h
	}
	return 1
}

// helpView is the help line, or the full help with the header's words
// explained above it.
func (m Model) helpView() string {
	if m.helpHeight() == 1 {
		return m.help.View(m.keys)
	}
	legend := m.styles.Subtle.Render(ansi.Truncate(
		"ctx model (≤32k): each model's own context, up to the worker's limit; +/- set one · w: the list's worker",
		m.width, "…"))
	return legend + "\n" + m.help.View(m.keys)
}

// View draws the whole screen, exactly width × height.
func (m Model) View() string {
	switch {
	case m.width <= 0 || m.height <= 0:
		return ""
	case m.width < minWidth || m.height < minHeight:
		// No room for the help line: say the way out here.
		out := "ctrl+c quits"
		if m.keys.Quit.Enabled() {
			out = "q quits"
		}
		msg := fmt.Sprintf("terminal too small (need %dx%d); %s", minWidth, minHeight, out)
		return fitBox(ansi.Wrap(msg, m.width, ""), m.width, m.height)
	}
	var b strings.Builder
	b.WriteString(m.headerView())
	b.WriteByte('\n')
	b.WriteString(fitBox(m.bodyView(), m.width, m.bodyHeight))
	b.WriteByte('\n')
	b.WriteString(m.statusView())
	b.WriteByte('\n')
	b.WriteString(fitBox(m.helpView(), m.width, m.helpHeight()))
	return fitBox(b.String(), m.width, m.height)
}

func (m Model) headerView() string {
	switch {
	case m.prompting:
		return m.prompt.View()
	case m.list.filtering():
		return m.list.list.FilterInput.View()
	case m.bar.open:
		return m.facetBarView()
	}
	parts := []string{m.styles.AppName.Render("modelbrowser")}
	info := []string{queryText(m.query), m.orderText()}
	if d := m.list.facets.Describe(); d != "" {
		info = append(info, "facets: "+d)
	}
	if m.demo {
		info = append([]string{"demo data"}, info...) // first: nothing here is the Hub's
	}
	c := m.list.choices // the list's choices, rendered here as one value
	info = append(info, m.filtersText(c)...)
	if c := m.cache.text(m.now); c != "" {
		info = append(info, c)
	}
	parts = append(parts, m.styles.Header.Render(strings.Join(info, " · ")))
	left := strings.Join(parts, "  ")
	// The list's choices (worker, context) stay whole, the machine beside
	// them while they take at most half the width; the search's words
	// give way first.
	judged := m.workerText(c) + " · " + m.contextText(c)
	right := machineText(m.fitCfg.machine) + " · " + judged
	if ansi.StringWidth(right) > m.width/2 {
		right = judged
	}
	if m.pageLoading && m.fatal == "" {
		loading := m.spinner.View() + " searching"
		if len(m.list.all) > 0 {
			loading = m.spinner.View() + " loading more"
		}
		right = loading + " · " + right
	}
	return spread(left, right, m.width)
}

// filtersText is which rows the choices show: "compatible only" or
// "showing all", and "fits only".
func (m Model) filtersText(c choices) []string {
	out := []string{"showing all"}
	if c.compatOnly {
		out[0] = "compatible only"
	}
	if c.fitsOnly {
		out = append(out, "fits only")
	}
	return out
}

// queryText is the search as the header shows it: “qwen” from meta-llama
// [gguf], or "top models" without search text. Hub-bound text the user
// typed is sanitized like Hub text.
func queryText(q query.Query) string {
	s := "top models"
	if q.Text != "" {
		s = "“" + text.Sanitize(q.Text) + "”"
	}
	if q.Author != "" {
		s += " from " + text.Sanitize(q.Author)
	}
	if len(q.Filters) > 0 {
		s += " [" + text.Sanitize(strings.Join(q.Filters, ",")) + "]"
	}
	return s
}

func (m Model) bodyView() string {
	switch {
	case m.fatal != "":
		return m.fatalView()
	case m.detailVisible() && m.wide():
		left := m.list.View(m.emptyText())
		right := m.detail.withBanner(m.downloadBanner(m.detail.contentWidth())).View(m.focus == focusDetail, m.spinner.View())
		return joinColumns(left, m.list.width, right, m.bodyHeight)
	case m.detailVisible():
		return m.detail.withBanner(m.downloadBanner(m.detail.contentWidth())).View(true, m.spinner.View())
	}
	return m.list.View(m.emptyText())
}

// emptyText is what the list says when it has no row to show.
func (m Model) emptyText() string {
	q := queryText(m.query)
	switch {
	case (m.pageLoading || m.retryPage) && len(m.list.all) == 0:
		return "  Searching the Hub for " + q + "…"
	case len(m.list.all) == 0:
		return "  No models found for " + q + ". s starts another search."
	case len(m.list.facetOut) > 0:
		return "  None of the models loaded so far matches the facets (" + m.list.facets.Describe() + "). F changes them."
	case m.list.fitsOnly && m.list.hiddenUnfit() > 0 && m.list.hidden() < len(m.list.all):
		return fmt.Sprintf("  None of the models loaded so far fits this machine (%s, %s). m shows them.", m.workerText(m.list.choices), m.contextText(m.list.choices))
	case m.list.compatOnly && len(m.list.all) == 1:
		return "  The one model found is not compatible. c shows it."
	case m.list.compatOnly:
		return fmt.Sprintf("  None of the %d models loaded so far is compatible. c shows all.", len(m.list.all))
	}
	return "  No models."
}

// fatalView is the error screen: the first search failed and there is
// nothing to show. The help line below it offers the ways out.
func (m Model) fatalView() string {
	var b strings.Builder
	b.WriteString("\n  " + m.styles.Fatal.Render("Could not search the Hub") + "\n\n")
	for _, l := range strings.Split(ansi.Wrap(m.fatal, max(1, m.width-4), ""), "\n") {
		b.WriteString("  " + l + "\n")
	}
	if m.fatalNext != "" {
		b.WriteString("\n")
		for _, l := range strings.Split(ansi.Wrap(m.fatalNext, max(1, m.width-4), ""), "\n") {
			b.WriteString("  " + l + "\n")
		}
	}
	return b.String()
}

// statusView is the counts, cache state and position under the list, or the
// footer error while there is one.
func (m Model) statusView() string {
	if m.footerErr != "" {
		return m.styles.ErrorBar.Render(ansi.Truncate("error: "+m.footerErr, m.width, "…"))
	}
	if q := m.downloadPrompt(); q != "" {
		return m.styles.Warning.Render(ansi.Truncate(q, m.width, "…"))
	}
	if m.waiting() {
		return m.styles.Warning.Render(ansi.Truncate(m.waitText(), m.width, "…"))
	}
	if m.hubLink != "" {
		return ansi.Truncate(m.hubLinkView(), m.width, "…")
	}
	dl := m.downloadStatus() // download.go: what the downloads do, first
	if m.fatal != "" || len(m.list.all) == 0 {
		return m.styles.StatusBar.Render(ansi.Truncate(strings.Join(dl, " · "), m.width, "…"))
	}
	shown := m.list.visibleCount()
	if m.dl.notice != "" {
		// How a download ended, and where it is, takes the counts' place
		// until the next key.
		return m.styles.StatusBar.Render(ansi.Truncate(strings.Join(dl, " · "), m.width, "…"))
	}
	parts := dl
	if v := m.list.list.FilterValue(); v != "" && (m.list.filtering() || m.list.filterApplied()) {
		parts = append(parts, fmt.Sprintf("%d of %d shown match “%s”", shown, len(m.list.list.Items()), text.Sanitize(v)))
	} else {
		parts = append(parts, fmt.Sprintf("%d shown", shown))
	}
	incompatible, unfit := m.list.hiddenCounts()
	if m.list.compatOnly || m.list.fitsOnly {
		parts = append(parts, fmt.Sprintf("%d hidden as incompatible", incompatible))
	} else {
		parts = append(parts, fmt.Sprintf("%d compatible", len(m.list.compat)))
	}
	if f := m.list.facetStatus(); f != "" {
		parts = append(parts, f)
	}
	if m.list.fitsOnly {
		parts = append(parts, fmt.Sprintf("%d hidden as not fitting", unfit))
	}
	if m.cache.dropped > 0 {
		parts = append(parts, fmt.Sprintf("%d unreadable left out", m.cache.dropped))
	}
	if c := m.cache.text(m.now); c != "" {
		parts = append(parts, c)
	}
	if m.next != "" {
		parts = append(parts, "more on the Hub")
	}
	right := ""
	if shown > 0 {
		right = fmt.Sprintf("%d/%d", m.list.list.Index()+1, shown)
	}
	return m.styles.StatusBar.Render(spread(strings.Join(parts, " · "), right, m.width))
}

// spread puts left and right on one line of width cells, cutting left first.
func spread(left, right string, width int) string {
	rw := ansi.StringWidth(right)
	if rw >= width {
		return ansi.Truncate(right, width, "")
	}
	left = ansi.Truncate(left, width-rw-1, "…")
	gap := width - ansi.StringWidth(left) - rw
	return left + strings.Repeat(" ", max(1, gap)) + right
}

// fitBox cuts or pads s to exactly h lines of at most w cells.
func fitBox(s string, w, h int) string {
	if h <= 0 {
		return ""
	}
	lines := strings.SplitN(s, "\n", h+1)
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// joinColumns puts right beside left (padded to lw cells), h lines.
func joinColumns(left string, lw int, right string, h int) string {
	ls := strings.Split(fitBox(left, lw, h), "\n")
	rs := strings.Split(right, "\n")
	var b strings.Builder
	for i, l := range ls {
		b.WriteString(l)
		if pad := lw - ansi.StringWidth(l); pad > 0 {
			b.WriteString(strings.Repeat(" ", pad))
		}
		if i < len(rs) {
			b.WriteString(rs[i])
		}
		if i < len(ls)-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}
