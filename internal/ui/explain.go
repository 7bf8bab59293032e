package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

// maxFilesShown caps the file list of the detail pane; a repository with
// thousands of files says how many more there are.
const maxFilesShown = 200

// explainer writes the detail pane's text: why a model is or is not
// compatible, with the evidence for every fact. It runs when what it shows
// changes (model, worker, details, width), never per frame.
type explainer struct {
	st    *Styles
	width int
	b     strings.Builder
}

// explain is the detail text for it, the verdict shown for worker.
func explain(st *Styles, it *item, worker string, now time.Time, width int, loading bool) string {
	e := &explainer{st: st, width: max(10, width)}
	v, m := it.judged.Verdict, it.judged.Model

	e.line(e.verdictLine(it))
	e.wrapped(v.Headline().Message, 0)
	e.worker(it, worker)

	e.section("Reasons")
	for _, r := range v.Reasons {
		mark := e.st.Incompatible.Render("✗")
		if r.Code == compat.CodeOK {
			mark = e.st.Compatible.Render("✓")
		}
		e.message(mark, r)
	}
	if ws := it.warnings(); len(ws) > 0 {
		e.section("Warnings")
		for _, w := range ws {
			e.message(e.st.Warning.Render("!"), w)
		}
	}

	e.section("Evidence")
	e.evidence(it)

	e.section("Workers")
	e.workers(v, worker)

	if len(v.Recommendations) > 0 {
		e.section("Recommendations")
		for _, r := range v.Recommendations {
			e.wrapped("  • "+Sanitize(r), 4)
		}
	}

	e.section("About")
	e.about(m, now)

	e.files(it, loading)
	return strings.TrimRight(e.b.String(), "\n")
}

func (e *explainer) verdictLine(it *item) string {
	v := it.judged.Verdict
	var s string
	switch {
	case !v.Compatible:
		s = e.st.Incompatible.Render("✗ Not compatible")
	case len(it.warnings()) > 0: // as listed under Warnings
		s = e.st.Warning.Render("! Compatible, with warnings")
	default:
		s = e.st.Compatible.Render("✓ Compatible")
	}
	return s + " · confidence " + string(v.Confidence)
}

// worker explains the verdict for the worker `w` selected.
func (e *explainer) worker(it *item, name string) {
	v := it.judged.Verdict
	order := it.workerOrder()
	if len(order) == 0 {
		e.section("Worker")
		e.line("  no workers in the catalog")
		return
	}
	at := 0
	for i, w := range order {
		if w == name {
			at = i
		}
	}
	title := "Worker " + Sanitize(name)
	if name == v.RecommendedWorker {
		title += " (recommended)"
	}
	e.section(title + e.st.Subtle.Render(fmt.Sprintf("  %d of %d · w next", at+1, len(order))))
	r, ok := v.WorkerResult(name)
	if !ok {
		return
	}
	parts := []string{}
	if r.Compatible {
		parts = append(parts, e.st.Compatible.Render("✓ compatible"), "confidence "+string(r.Confidence))
	} else {
		parts = append(parts, e.st.Incompatible.Render("✗ not compatible"))
	}
	if r.Format != "" {
		parts = append(parts, "loads "+Sanitize(r.Format))
	}
	if r.MaxContext > 0 {
		parts = append(parts, "max context "+strconv.FormatInt(r.MaxContext, 10))
	}
	e.wrapped("  "+strings.Join(parts, " · "), 4)
	for _, m := range r.Reasons {
		e.message(e.st.Incompatible.Render("✗"), m)
	}
	for _, m := range r.Warnings {
		e.message(e.st.Warning.Render("!"), m)
	}
}

// message is one reason or warning: its mark, code and sentence; a
// context warning also says both numbers plainly.
func (e *explainer) message(mark string, m compat.Message) {
	e.wrapped("  "+mark+" "+e.st.Code.Render(Sanitize(m.Code))+" "+Sanitize(m.Message), 4)
}

// facts are the evidence rows in the order the pane shows them, with what
// to say when a fact is unknown ("" for facts that are simply absent, such
// as gated).
var facts = []struct{ key, name, unknown string }{
	{"architecture", "architecture", "no source gives one"},
	{"formats", "formats", "no weight files found"},
	{"context_length", "context length", ""}, // depends on the details
	{"parameters", "parameters", "unknown"},
	{"gated", "gated", ""},
}

// evidence shows every fact with its value and source, and says which are
// unknown.
func (e *explainer) evidence(it *item) {
	v, m := it.judged.Verdict, it.judged.Model
	byFact := map[string]compat.Evidence{}
	for _, ev := range v.Evidence {
		byFact[ev.Fact] = ev
	}
	for _, f := range facts {
		ev, ok := byFact[f.key]
		if !ok {
			why := f.unknown
			if f.key == "context_length" {
				why = "not read yet (needs config.json)"
				if it.lookedUp() {
					why = "could not be read"
				}
			}
			if why != "" {
				e.fact(f.name, "?"+e.st.Subtle.Render(" · "+why))
			}
			continue
		}
		delete(byFact, f.key)
		value := Sanitize(ev.Value)
		switch f.key {
		case "parameters":
			value = HumanParams(m.Parameters.Value) + " (" + value + ")"
		case "context_length":
			value = HumanContext(m.ContextLength.Value) + " (" + value + ")"
		}
		e.fact(f.name, value+e.st.Subtle.Render(" · from "+Sanitize(ev.Source)))
	}
	for _, ev := range v.Evidence { // facts this pane does not know yet
		if _, ok := byFact[ev.Fact]; ok {
			e.fact(Sanitize(ev.Fact), Sanitize(ev.Value)+e.st.Subtle.Render(" · from "+Sanitize(ev.Source)))
		}
	}
}

func (e *explainer) fact(name, value string) {
	const w = 16
	e.wrapped("  "+e.st.Label.Render(fmt.Sprintf("%-*s", w, name))+value, w+2)
}

func (e *explainer) workers(v compat.Verdict, shown string) {
	nameW := len("WORKER")
	for _, r := range v.Workers {
		nameW = max(nameW, ansi.StringWidth(Sanitize(r.Name)))
	}
	row := func(mark, name, verdict, format, maxCtx string) string {
		var b strings.Builder
		b.WriteString(mark)
		cell(&b, name, nameW, false)
		b.WriteByte(' ')
		cell(&b, verdict, 10, false)
		b.WriteByte(' ')
		cell(&b, format, 12, false)
		b.WriteByte(' ')
		cell(&b, maxCtx, 7, true)
		return b.String()
	}
	e.line(e.st.Label.Render(ansi.Truncate(row("  ", "WORKER", "VERDICT", "FORMAT", "MAX CTX"), e.width, "")))
	for _, r := range v.Workers {
		mark := "  "
		if r.Name == shown {
			mark = "› "
		}
		verdict := "✗ none"
		if r.Compatible {
			verdict = "✓ " + string(r.Confidence)
			if len(r.Warnings) > 0 {
				verdict = "! " + string(r.Confidence)
			}
		}
		format := Sanitize(r.Format)
		if format == "" {
			format = "-"
		}
		e.line(ansi.Truncate(row(mark, Sanitize(r.Name), verdict, format, strconv.FormatInt(r.MaxContext, 10)), e.width, "…"))
	}
}

func (e *explainer) about(m compat.Model, now time.Time) {
	or := func(s, def string) string {
		if s = Sanitize(s); s == "" {
			return def
		}
		return s
	}
	gated := "no"
	if m.IsGated() {
		gated = "yes (" + Sanitize(m.Gated) + "): accept the licence on the Hub, set HF_TOKEN"
	}
	updated := Ago(now, m.LastModified)
	if !m.LastModified.IsZero() {
		updated += e.st.Subtle.Render(" · " + m.LastModified.UTC().Format("2006-01-02"))
	}
	e.fact("license", or(m.License, "unknown"))
	e.fact("gated", gated)
	e.fact("downloads", HumanCount(m.Downloads)+e.st.Subtle.Render(" ("+strconv.FormatInt(m.Downloads, 10)+")"))
	e.fact("likes", HumanCount(m.Likes))
	e.fact("updated", updated)
	e.fact("pipeline", or(m.PipelineTag, "-"))
	e.fact("library", or(m.LibraryName, "-"))
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
	nameW := 0
	for _, f := range files[:min(len(files), maxFilesShown)] {
		nameW = max(nameW, ansi.StringWidth(Sanitize(f)))
	}
	nameW = min(nameW, max(10, e.width-12))
	for _, f := range files[:min(len(files), maxFilesShown)] {
		name := Sanitize(f)
		var b strings.Builder
		b.WriteString("  ")
		if q := ggufQuant(f); q != "" {
			cell(&b, name, nameW, false)
			b.WriteString(" " + e.st.Code.Render(q))
		} else {
			b.WriteString(name)
		}
		e.line(ansi.Truncate(b.String(), e.width, "…"))
	}
	if n := len(files) - maxFilesShown; n > 0 {
		e.line(e.st.Subtle.Render(fmt.Sprintf("  … and %d more", n)))
	}
}

// ggufQuant is the quantization label of a GGUF weight file, "" for any
// other file.
func ggufQuant(name string) string {
	if !strings.HasSuffix(strings.ToLower(name), ".gguf") {
		return ""
	}
	return quantLabel(Sanitize(name))
}

func (e *explainer) section(title string) {
	e.b.WriteString("\n")
	e.line(e.st.Section.Render(title))
}

func (e *explainer) line(s string) {
	e.b.WriteString(s)
	e.b.WriteByte('\n')
}

// wrapped writes s word-wrapped to the pane, continuation lines indented
// by indent cells; a word longer than a line is cut across lines.
func (e *explainer) wrapped(s string, indent int) {
	pad := strings.Repeat(" ", indent)
	limit := e.width
	var line strings.Builder
	lineW := 0
	flush := func() {
		e.line(line.String())
		line.Reset()
		line.WriteString(pad)
		lineW = indent
	}
	for i, w := range strings.Split(s, " ") {
		ww := ansi.StringWidth(w)
		if i > 0 {
			if lineW+1+ww > limit && lineW > indent {
				flush()
			} else {
				line.WriteByte(' ')
				lineW++
			}
		}
		for room := limit - lineW; ww > room && room > 0; room = limit - lineW {
			// A word wider than what is left: cut it.
			head := ansi.Truncate(w, limit-lineW, "")
			line.WriteString(head)
			w = ansi.TruncateLeft(w, ansi.StringWidth(head), "")
			ww = ansi.StringWidth(w)
			flush()
		}
		line.WriteString(w)
		lineW += ww
	}
	e.line(line.String())
}
