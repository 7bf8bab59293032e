package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/ui"
)

// searchResult is one element of `search --json`: the check shape plus the
// popularity figures the list shows.
type searchResult struct {
	compat.Verdict
	Downloads int64 `json:"downloads"`
	Likes     int64 `json:"likes"`
}

var sortNames = []string{"downloads", "likes", "trending", "updated", "created"}

func validSort(s string) bool {
	for _, n := range sortNames {
		if s == n {
			return true
		}
	}
	return false
}

func runSearch(ctx context.Context, e env, args []string) (int, error) {
	fs := newFlagSet("search")
	var common commonFlags
	common.register(fs)
	limit := fs.Int("limit", 50, "number of results to print")
	scan := fs.Int("scan", 1000, "with compatible-only, stop after scanning this many models")
	all := fs.Bool("all", false, "print every model, compatible or not")
	sortBy := fs.String("sort", "downloads", "downloads, likes, trending, updated or created")
	author := fs.String("author", "", "only models of this user or organisation")
	var filters stringsFlag
	fs.Var(&filters, "filter", "only models with this tag (repeatable)")
	noContext := fs.Bool("no-context", false, "do not fetch config.json for context lengths")
	asJSON := fs.Bool("json", false, "print a JSON array")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return exitError, err
	}
	if len(pos) > 1 {
		return exitError, usageError{fmt.Sprintf("search: one QUERY at most, got %d words (quote the query)", len(pos))}
	}
	switch {
	case *limit < 1 || *limit > 10000:
		return exitError, usageError{fmt.Sprintf("search: --limit must be between 1 and 10000, got %d", *limit)}
	case *scan < 1 || *scan > 100000:
		return exitError, usageError{fmt.Sprintf("search: --scan must be between 1 and 100000, got %d", *scan)}
	case !validSort(*sortBy):
		return exitError, usageError{fmt.Sprintf("search: --sort must be one of %s, got %q", strings.Join(sortNames, ", "), *sortBy)}
	}
	cat, hub, err := connect(e, common)
	if err != nil {
		return exitError, err
	}
	defer hub.close()
	q := query{text: strings.Join(pos, " "), author: *author, filters: filters, sort: *sortBy}
	res, err := hub.search(ctx, q, cat, searchLimits{limit: *limit, scan: *scan, all: *all})
	if err != nil && len(res.judged) == 0 {
		return exitError, err
	}
	if err != nil {
		// Keep what was read: the pages before the failure are printed.
		fmt.Fprintf(e.stderr, "modelbrowser: stopped after %d models: %s\n", res.scanned, oneLine(err.Error()))
	}
	if !*noContext {
		res.judged = hub.resolveContexts(ctx, res.judged, cat)
	}
	if note := res.note(); note != "" {
		fmt.Fprintf(e.stderr, "modelbrowser: %s\n", note)
	}
	if *asJSON {
		if err := writeJSONLines(e.stdout, res.judged); err != nil {
			return exitError, err
		}
	} else {
		writeTable(e.stdout, res.judged, e.width)
		if !*all && e.stdoutTTY {
			fmt.Fprintf(e.stdout, "\n%d compatible of %d scanned (--all shows every model)\n", len(res.judged), res.scanned)
		}
	}
	if err != nil {
		return exitError, nil
	}
	return exitOK, nil
}

// writeJSONLines prints the results as one JSON array with an element per
// line: valid JSON for any parser, easy to grep, and without the cost of
// re-indenting a megabyte of output. Each element is the bytes json.Encoder
// would write through jsonInert (see appendSearchResult), written 64 KB at
// a time.
func writeJSONLines(w io.Writer, js []compat.Judged) error {
	const chunk = 64 << 10
	buf := make([]byte, 0, chunk+8<<10)
	buf = append(buf, '[')
	for i := range js {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, '\n')
		// The element ends with a newline of its own; it is whitespace in JSON.
		buf = appendSearchResult(buf, searchResult{Verdict: js[i].Verdict, Downloads: js[i].Model.Downloads, Likes: js[i].Model.Likes})
		if len(buf) >= chunk {
			if _, err := w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	buf = append(buf, "]\n"...)
	_, err := w.Write(buf)
	return err
}

// writeTable prints an aligned table that fits width (0 = no limit): the id
// column gives way first.
func writeTable(w io.Writer, js []compat.Judged, width int) {
	type row struct{ verdict, id, family, formats, params, ctx, downloads string }
	rows := make([]row, 0, len(js)+1)
	rows = append(rows, row{"VERDICT", "MODEL", "FAMILY", "FORMATS", "PARAMS", "CONTEXT", "DOWNLOADS"})
	for _, j := range js {
		v := j.Verdict
		r := row{
			verdict:   verdictWord(v),
			id:        ui.Sanitize(v.ID),
			family:    orDash(v.Family),
			formats:   orDash(ui.Sanitize(strings.Join(v.Formats, ","))),
			params:    "?",
			ctx:       "?",
			downloads: ui.HumanCount(j.Model.Downloads),
		}
		if v.Parameters != nil {
			r.params = ui.HumanParams(*v.Parameters)
		}
		if v.ContextLength != nil {
			r.ctx = ui.HumanContext(*v.ContextLength)
		}
		rows = append(rows, r)
	}
	widths := make([]int, 7)
	for _, r := range rows {
		for i, c := range []string{r.verdict, r.id, r.family, r.formats, r.params, r.ctx, r.downloads} {
			widths[i] = max(widths[i], ansi.StringWidth(c))
		}
	}
	total := 2 * 6
	for _, x := range widths {
		total += x
	}
	if width > 0 && total > width {
		over := total - width
		// Shrink formats, then the id, never below a readable minimum.
		for _, i := range []int{3, 1} {
			floor := 8
			if i == 1 {
				floor = 20
			}
			cut := max(0, min(over, widths[i]-floor))
			widths[i] -= cut
			over -= cut
		}
	}
	for _, r := range rows {
		cells := []string{r.verdict, r.id, r.family, r.formats, r.params, r.ctx, r.downloads}
		var b strings.Builder
		for i, c := range cells {
			c = ansi.Truncate(c, widths[i], "…")
			pad := widths[i] - ansi.StringWidth(c)
			if i >= 4 { // numbers align right
				b.WriteString(strings.Repeat(" ", pad) + c)
			} else {
				b.WriteString(c)
				if i < len(cells)-1 {
					b.WriteString(strings.Repeat(" ", pad))
				}
			}
			if i < len(cells)-1 {
				b.WriteString("  ")
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

func verdictWord(v compat.Verdict) string {
	switch {
	case !v.Compatible:
		return "✗ no"
	case v.HasWarnings():
		return "! warn"
	}
	return "✓ ok"
}
