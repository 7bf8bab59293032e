// Package report renders what the command line prints for people and
// scripts: the search table, the check explanation, the worker catalog and
// the JSON shapes of --json. Every text that came from the Hub or a user's
// file is sanitised here (internal/text) before it is written.
package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/charmbracelet/x/ansi"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// Table prints an aligned table that fits width (0 = no limit): the id
// column gives way first. With fits (search --fit), a FIT column shows the
// best file for the recommended worker: its level, label and size.
func Table(w io.Writer, js []compat.Judged, fits []*fit.Result, width int) {
	type row struct{ verdict, id, family, formats, params, ctx, downloads, fit string }
	rows := make([]row, 0, len(js)+1)
	rows = append(rows, row{"VERDICT", "MODEL", "FAMILY", "FORMATS", "PARAMS", "CONTEXT", "DOWNLOADS", "FIT"})
	for i, j := range js {
		v := j.Verdict
		r := row{
			verdict:   verdictWord(v),
			id:        text.Sanitize(v.ID),
			family:    orDash(text.Sanitize(v.Family)),
			formats:   orDash(text.Sanitize(strings.Join(v.Formats, ","))),
			params:    "?",
			ctx:       "?",
			downloads: text.HumanCount(j.Model.Downloads),
		}
		if v.Parameters != nil {
			r.params = text.HumanParams(*v.Parameters)
		}
		if v.ContextLength != nil {
			r.ctx = text.HumanContext(*v.ContextLength)
		}
		if i < len(fits) {
			r.fit = "-"
			if v.Compatible {
				r.fit = bestCell(fits[i], v.RecommendedWorker)
			}
		}
		rows = append(rows, r)
	}
	cols := 7
	if fits != nil {
		cols = 8
	}
	widths := make([]int, cols)
	for _, r := range rows {
		for i, c := range []string{r.verdict, r.id, r.family, r.formats, r.params, r.ctx, r.downloads, r.fit}[:cols] {
			widths[i] = max(widths[i], ansi.StringWidth(c))
		}
	}
	total := 2 * (cols - 1)
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
		cells := []string{r.verdict, r.id, r.family, r.formats, r.params, r.ctx, r.downloads, r.fit}[:cols]
		var b strings.Builder
		for i, c := range cells {
			c = ansi.Truncate(c, widths[i], "…")
			pad := widths[i] - ansi.StringWidth(c)
			if i >= 4 && i <= 6 { // numbers align right
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
	unknownFits(w, js, fits)
}

// unknownFits says, below search --fit's table, why each "?" in the FIT
// column is unknown and what fixes it: one line per reason, naming the
// models it holds for.
func unknownFits(w io.Writer, js []compat.Judged, fits []*fit.Result) {
	var order []string
	ids := map[string][]string{}
	for i, j := range js {
		if i >= len(fits) || fits[i] == nil || !j.Verdict.Compatible || fits[i].ShapeUnknown == nil {
			continue
		}
		if _, l, ok := fits[i].Shown(j.Verdict.RecommendedWorker); !ok || l != fit.Unknown {
			continue // too big on its weights alone: unknown shape or not
		}
		msg := fits[i].ShapeUnknown.Message
		if _, seen := ids[msg]; !seen {
			order = append(order, msg)
		}
		ids[msg] = append(ids[msg], j.Verdict.ID)
	}
	for _, msg := range order {
		names := ids[msg]
		list := strings.Join(names, ", ")
		if len(names) > 3 {
			list = strings.Join(names[:3], ", ") + fmt.Sprintf(" and %d more", len(names)-3)
		}
		fmt.Fprintf(w, "? fit unknown for %s: %s\n", text.Sanitize(list), text.Sanitize(msg))
	}
}

// verdictWord is the verdict's mark in the table (compat.Verdict.Mark:
// the same as check's and the browser's); the CLI looks contexts up.
func verdictWord(v compat.Verdict) string { return v.Mark(true).Short() }

// Explanation prints the whole verdict for a person: the answer, why,
// the facts with their sources, every worker, warnings and what to do.
func Explanation(w io.Writer, m compat.Model, v compat.Verdict) {
	s := text.Sanitize
	fmt.Fprintln(w, s(v.ID))
	fmt.Fprintln(w, "  "+HubURL(v.ID))
	line := fmt.Sprintf("  %s · confidence %s", v.Mark(true).Words(), v.Confidence)
	if v.RecommendedWorker != "" {
		line += " · recommended worker " + s(v.RecommendedWorker)
	}
	fmt.Fprintln(w, line)

	fmt.Fprintln(w, "\nWhy")
	for _, r := range v.Reasons {
		fmt.Fprintf(w, "  %-18s %s\n", r.Code, s(r.Message))
	}

	fmt.Fprintln(w, "\nFacts")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  architecture\t%s\t%s\n", orUnknown(s(v.Architecture)), sourceOf(m.Architecture.Source))
	if v.Family != "" {
		fmt.Fprintf(tw, "  family\t%s\t\n", s(v.Family))
	}
	fmt.Fprintf(tw, "  formats\t%s\t%s\n", orUnknown(s(strings.Join(v.Formats, ", "))), sourceOf(m.Formats.Source))
	ctx := "unknown"
	if v.ContextLength != nil {
		ctx = fmt.Sprint(*v.ContextLength)
	}
	fmt.Fprintf(tw, "  context length\t%s\t%s\n", ctx, sourceOf(m.ContextLength.Source))
	params := "unknown"
	if v.Parameters != nil {
		params = fmt.Sprintf("%s (%d)", text.HumanParams(*v.Parameters), *v.Parameters)
	}
	fmt.Fprintf(tw, "  parameters\t%s\t%s\n", params, sourceOf(m.Parameters.Source))
	gated := "no"
	if v.Gated {
		gated = "yes (" + s(m.Gated) + ")"
	}
	fmt.Fprintf(tw, "  gated\t%s\t\n", gated)
	if m.License != "" {
		fmt.Fprintf(tw, "  license\t%s\t\n", s(m.License))
	}
	fmt.Fprintf(tw, "  downloads\t%s\t\n", text.HumanCount(m.Downloads))
	fmt.Fprintf(tw, "  likes\t%s\t\n", text.HumanCount(m.Likes))
	tw.Flush()

	fmt.Fprintln(w, "\nWorkers")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  WORKER\tVERDICT\tCONFIDENCE\tFORMAT\tMAX CONTEXT\tNOTES")
	for _, r := range v.Workers {
		verdict := "incompatible"
		if r.Compatible {
			verdict = "compatible"
		}
		var notes []string
		for _, x := range r.Reasons {
			notes = append(notes, x.Code)
		}
		if v.ContextLength != nil && r.MaxContext > 0 && *v.ContextLength > r.MaxContext {
			notes = append(notes, fmt.Sprintf("context %d > limit %d", *v.ContextLength, r.MaxContext))
		}
		mark := " "
		if r.Name == v.RecommendedWorker {
			mark = "*"
		}
		fmt.Fprintf(tw, "%s %s\t%s\t%s\t%s\t%d\t%s\n", mark, s(r.Name), verdict, r.Confidence, orDash(s(r.Format)), r.MaxContext, s(strings.Join(notes, "; ")))
	}
	tw.Flush()
	if v.RecommendedWorker != "" {
		fmt.Fprintln(w, "  (* recommended for this machine)")
	}

	if len(v.Warnings) > 0 {
		fmt.Fprintln(w, "\nWarnings")
		for _, x := range v.Warnings {
			fmt.Fprintf(w, "  %-18s %s\n", x.Code, s(x.Message))
		}
	}
	if len(v.Recommendations) > 0 {
		fmt.Fprintln(w, "\nWhat to do")
		for _, r := range v.Recommendations {
			fmt.Fprintf(w, "  - %s\n", s(r))
		}
	}
}

func sourceOf(src string) string {
	if src == "" {
		return ""
	}
	return "from " + src
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Workers prints the worker catalog in force for a person. A user's
// catalog is data like the Hub's answers: every name in it is sanitised.
func Workers(out io.Writer, c compat.Catalog, m fit.Machine) {
	s := text.Sanitize
	list := func(xs []string) string { return s(strings.Join(xs, ", ")) }
	fmt.Fprintf(out, "Worker catalog: %s\n", s(c.Source))
	fmt.Fprintf(out, "This machine: %s/%s, preferred device %s\n", c.Machine.OS, c.Machine.Arch, c.Machine.Device())
	fmt.Fprintf(out, "Memory: %s\n\n", Machine(m))
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "WORKER\tDEVICE\tPLATFORMS\tFORMATS\tMAX CONTEXT\tSTREAMING\tBATCHING")
	for _, w := range c.Workers {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\n", s(w.Name), s(w.Device), list(w.Platforms),
			list(w.Formats), w.MaxContext, yesNo(w.Streaming), yesNo(w.Batching))
	}
	tw.Flush()
	fmt.Fprintln(out, "\nArchitectures per format:")
	for _, w := range c.Workers {
		fmt.Fprintf(out, "  %s\n", s(w.Name))
		for _, f := range w.Formats {
			fmt.Fprintf(out, "    %-12s %s\n", s(f), list(w.Architectures[f]))
		}
	}
	fmt.Fprintln(out, "\nFamilies (base confidence):")
	for _, f := range c.Families {
		fmt.Fprintf(out, "  %-8s %-6s %s\n", s(f.Name), s(string(f.Confidence)), list(f.Architectures))
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// HubURL is the model's page on the Hub, sanitized: what check prints
// under the id and the browser's u shows.
func HubURL(id string) string { return "https://huggingface.co/" + text.Sanitize(id) }

// Scanned is the line under search's table on a terminal: how many
// compatible models of how many scanned.
func Scanned(w io.Writer, kept, scanned int) {
	fmt.Fprintf(w, "\n%d compatible of %d scanned (--all shows every model)\n", kept, scanned)
}
