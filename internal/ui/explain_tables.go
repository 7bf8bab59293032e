package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// The detail pane's two tables: every worker's verdict, and the files.

// maxFilesShown caps the file list of the detail pane; a repository with
// thousands of files says how many more there are.
const maxFilesShown = 200

// workers is the table of every worker's verdict. It fits the pane
// without cutting a number: contexts read short (32k, as in the list),
// and when the pane is narrow the context title shortens, then the format
// column goes (the worker line above names it), then the worker names lose
// their start, keeping the end that tells them apart.
func (e *explainer) workers(v compat.Verdict, shown string) {
	type row struct{ mark, name, verdict, format, ctx string }
	rows := make([]row, len(v.Workers))
	nameW, verdictW, formatW, ctxW := len("WORKER"), len("VERDICT"), len("FORMAT"), 0
	for i, r := range v.Workers {
		x := row{mark: "  ", name: text.Sanitize(r.Name), verdict: "✗ no", format: text.Sanitize(r.Format), ctx: text.HumanContext(r.MaxContext)}
		if r.Name == shown {
			x.mark = "› "
		}
		if r.Compatible {
			x.verdict = "✓ " + string(r.Confidence)
			if len(r.Warnings) > 0 {
				x.verdict = "! " + string(r.Confidence)
			}
		}
		if x.format == "" {
			x.format = "-"
		}
		nameW = max(nameW, ansi.StringWidth(x.name))
		verdictW = max(verdictW, ansi.StringWidth(x.verdict))
		formatW = max(formatW, ansi.StringWidth(x.format))
		ctxW = max(ctxW, ansi.StringWidth(x.ctx))
		rows[i] = x
	}
	ctxTitle := "MAX CTX"
	width := func() int {
		n := 2 + nameW + 1 + verdictW + 1 + max(ctxW, len(ctxTitle))
		if formatW > 0 {
			n += formatW + 1
		}
		return n
	}
	if width() > e.width {
		ctxTitle = "CTX"
	}
	if width() > e.width {
		formatW = 0
	}
	if over := width() - e.width; over > 0 {
		nameW = max(len("WORKER"), nameW-over)
	}
	ctxW = max(ctxW, len(ctxTitle))
	line := func(x row) string {
		var b strings.Builder
		b.WriteString(x.mark)
		if sw := ansi.StringWidth(x.name); sw > nameW {
			x.name = ansi.TruncateLeft(x.name, sw-nameW+1, "…")
		}
		cell(&b, x.name, nameW, false)
		b.WriteByte(' ')
		cell(&b, x.verdict, verdictW, false)
		if formatW > 0 {
			b.WriteByte(' ')
			cell(&b, x.format, formatW, false)
		}
		b.WriteByte(' ')
		cell(&b, x.ctx, ctxW, true)
		return ansi.Truncate(b.String(), e.width, "…")
	}
	e.line(e.st.Label.Render(line(row{mark: "  ", name: "WORKER", verdict: "VERDICT", format: "FORMAT", ctx: ctxTitle})))
	for _, x := range rows {
		e.line(line(x))
	}
}

func (e *explainer) files(it *item, loading bool) {
	files := it.judged.Model.Files
	switch {
	case loading && len(files) == 0:
		e.section("Files")
		e.line(e.st.Subtle.Render("  loading…"))
		return
	case len(files) == 0 && it.detailed:
		e.section("Files")
		e.line(e.st.Subtle.Render("  none"))
		return
	case len(files) == 0:
		e.section("Files")
		e.line(e.st.Subtle.Render("  not listed yet"))
		return
	}
	e.section(fmt.Sprintf("Files (%d)", len(files)))
	shown := files[:min(len(files), maxFilesShown)]
	nameW, noteW := 0, 0
	for _, f := range shown {
		nameW = max(nameW, ansi.StringWidth(text.Sanitize(f)))
		noteW = max(noteW, ansi.StringWidth(fileNote(f)))
	}
	// The notes (quantization, projector) matter more than a long name's end.
	nameW = min(nameW, max(10, e.width-3-noteW))
	for _, f := range shown {
		name := text.Sanitize(f)
		var b strings.Builder
		b.WriteString("  ")
		if note := fileNote(f); note != "" {
			cell(&b, name, nameW, false)
			b.WriteString(" " + e.st.Code.Render(note))
		} else {
			b.WriteString(name)
		}
		e.line(ansi.Truncate(b.String(), e.width, "…"))
	}
	if n := len(files) - maxFilesShown; n > 0 {
		e.line(e.st.Subtle.Render(fmt.Sprintf("  … and %d more", n)))
	}
}

// fileNote is what the Files section says beside a GGUF file: its
// quantization label, and "vision projector" for an mmproj file, which
// is no model by itself; "" for any other file.
func fileNote(name string) string {
	if !strings.HasSuffix(strings.ToLower(name), ".gguf") {
		return ""
	}
	var notes []string
	if q := ggufQuant(name); q != "" {
		notes = append(notes, q)
	}
	if base := strings.ToLower(name[strings.LastIndexByte(name, '/')+1:]); strings.HasPrefix(base, "mmproj") {
		notes = append(notes, "vision projector")
	}
	return strings.Join(notes, " · ")
}

// ggufQuant is the quantization label of a GGUF weight file by the fit's
// label rule (fit.Label, the word the FIT column and picks use), "" for
// any other file or a name that carries none.
func ggufQuant(name string) string {
	if !strings.HasSuffix(strings.ToLower(name), ".gguf") {
		return ""
	}
	base := name[strings.LastIndexByte(name, '/')+1:]
	return fit.Label(text.Sanitize(base[:len(base)-len(".gguf")]))
}
