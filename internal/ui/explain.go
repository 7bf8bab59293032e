package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// explainer writes the detail pane's text: why a model is or is not
// compatible, with the evidence for every fact. It runs when what it shows
// changes (model, worker, details, width), never per frame.
type explainer struct {
	st    *Styles
	width int
	b     strings.Builder
}

// explainWithFit is the detail text for it, the verdict shown for worker:
// what is wrong and what to do about it first, then the files and their
// fit, with the table's cursor on variant fp.cursor, then the evidence. It
// also returns the line of the cursor's row, -1 for none.
func explainWithFit(st *Styles, it *item, worker string, now time.Time, width int, loading bool, fp fitPane) (string, int) {
	e := &explainer{st: st, width: max(10, width)}
	v, m := it.judged.Verdict, it.judged.Model

	e.line(e.verdictLine(it))
	listed := e.findings(it)
	e.worker(it, worker, listed)
	cursorLine := e.fitSection(it, worker, fp)

	if len(v.Recommendations) > 0 {
		e.section("Recommendations")
		for _, r := range v.Recommendations {
			e.wrapped("  • "+text.Sanitize(r), 4)
		}
	}

	e.section("Evidence")
	e.evidence(it)

	e.section("Workers")
	e.workers(v, worker)

	e.section("About")
	e.about(m, now)

	e.files(it, loading)
	return strings.TrimRight(e.b.String(), "\n"), cursorLine
}

// findings lists the verdict's reasons and warnings under the verdict
// line, each with its mark and code, and returns them, so that the worker
// section does not say them again.
func (e *explainer) findings(it *item) map[compat.Message]bool {
	listed := map[compat.Message]bool{}
	for _, r := range it.judged.Verdict.Reasons {
		mark := e.st.Incompatible.Render("✗")
		if r.Code == compat.CodeOK {
			mark = e.st.Compatible.Render("✓")
		}
		e.message(mark, r)
		listed[r] = true
	}
	for _, w := range it.warnings() {
		e.message(e.st.Warning.Render("!"), w)
		listed[w] = true
	}
	return listed
}

func (e *explainer) verdictLine(it *item) string {
	// The same words as check's (compat.Mark), the warnings listed under it.
	v := it.judged.Verdict
	switch mark := it.mark(); mark {
	case compat.MarkIncompatible: // no confidence to speak of: "none" says nothing
		return e.st.Incompatible.Render(mark.Words())
	case compat.MarkWarnings:
		return e.st.Warning.Render(mark.Words()) + " · confidence " + string(v.Confidence)
	default:
		return e.st.Compatible.Render(mark.Words()) + " · confidence " + string(v.Confidence)
	}
}

// worker explains the verdict for the worker `w` selected, but for what
// the findings above already say.
func (e *explainer) worker(it *item, name string, listed map[compat.Message]bool) {
	v := it.judged.Verdict
	order := it.workerOrder()
	if len(order) == 0 {
		e.section("Worker")
		e.line("  no workers in the catalog")
		return
	}
	title := "Worker " + text.Sanitize(name)
	if name == v.RecommendedWorker {
		title += " (recommended)"
	}
	e.b.WriteString("\n")
	head := e.st.Section.Render(ansi.Truncate(title, e.width, "…"))
	// How to move on (w sets the whole list's worker), as far as the pane has room.
	for _, pos := range []string{"w next worker", "w next"} {
		if ansi.StringWidth(title)+2+ansi.StringWidth(pos) <= e.width {
			head += e.st.Subtle.Render("  " + pos)
			break
		}
	}
	e.line(head)
	r, ok := v.WorkerResult(name)
	if !ok {
		return
	}
	parts := []string{}
	if r.Compatible {
		parts = append(parts, e.st.Compatible.Render("✓ compatible"), "confidence "+string(r.Confidence))
		if r.Format != "" {
			parts = append(parts, "loads "+text.Sanitize(r.Format))
		}
	} else {
		parts = append(parts, e.st.Incompatible.Render("✗ not compatible"))
		if r.Format != "" {
			parts = append(parts, "would load "+text.Sanitize(r.Format))
		}
	}
	if r.MaxContext > 0 {
		parts = append(parts, "max context "+exactContext(r.MaxContext))
	}
	e.wrapped("  "+strings.Join(parts, " · "), 4)
	for _, m := range r.Reasons {
		if !listed[m] {
			e.message(e.st.Incompatible.Render("✗"), m)
		}
	}
	for _, m := range r.Warnings {
		if !listed[m] {
			e.message(e.st.Warning.Render("!"), m)
		}
	}
}

// exactContext is a context length short and exact: "128k (131072)", or
// "8000" when the short form is the number itself.
func exactContext(n int64) string {
	h, exact := text.HumanContext(n), strconv.FormatInt(n, 10)
	if h == exact || n <= 0 {
		return h
	}
	return h + " (" + exact + ")"
}

// message is one reason or warning: its mark, code and sentence; a
// context warning also says both numbers plainly.
func (e *explainer) message(mark string, m compat.Message) {
	e.wrapped("  "+mark+" "+e.st.Code.Render(text.Sanitize(m.Code))+" "+text.Sanitize(m.Message), 4)
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
				switch {
				case !it.lookedUp():
					why = "not read yet (needs config.json)"
				case m.IsGated():
					why = "could not be read (gated repo: accept the licence on the Hub, set HF_TOKEN)"
				default:
					why = "could not be read"
				}
			}
			if why != "" {
				e.fact(f.name, "?"+e.st.Subtle.Render(" · "+why))
			}
			continue
		}
		delete(byFact, f.key)
		value := text.Sanitize(ev.Value)
		switch f.key {
		case "parameters":
			value = text.HumanParams(m.Parameters.Value) + " (" + value + ")"
		case "context_length":
			if h := text.HumanContext(m.ContextLength.Value); h != value {
				value = h + " (" + value + ")"
			}
		}
		e.fact(f.name, value+e.st.Subtle.Render(" · from "+text.Sanitize(ev.Source)))
	}
	for _, ev := range v.Evidence { // facts this pane does not know yet
		if _, ok := byFact[ev.Fact]; ok {
			e.fact(text.Sanitize(ev.Fact), text.Sanitize(ev.Value)+e.st.Subtle.Render(" · from "+text.Sanitize(ev.Source)))
		}
	}
}

func (e *explainer) fact(name, value string) {
	const w = 16
	e.wrapped("  "+e.st.Label.Render(fmt.Sprintf("%-*s", w, name))+value, w+2)
}

func (e *explainer) about(m compat.Model, now time.Time) {
	or := func(s, def string) string {
		if s = text.Sanitize(s); s == "" {
			return def
		}
		return s
	}
	gated := "no"
	switch {
	case m.IsGated() && strings.HasPrefix(m.ContextLength.Source, compat.ConfigJSONSource("")):
		// Its config.json was read: the token has access.
		gated = "yes (" + text.Sanitize(m.Gated) + "), and your token has access (config.json was read)"
	case m.IsGated():
		gated = "yes (" + text.Sanitize(m.Gated) + "): accept the licence on the Hub, set HF_TOKEN"
	}
	updated := text.Ago(now, m.LastModified)
	if !m.LastModified.IsZero() {
		updated += e.st.Subtle.Render(" · " + m.LastModified.UTC().Format("2006-01-02"))
	}
	e.fact("license", or(m.License, "unknown"))
	e.fact("gated", gated)
	e.fact("downloads", text.HumanCount(m.Downloads)+e.st.Subtle.Render(" ("+strconv.FormatInt(m.Downloads, 10)+")"))
	e.fact("likes", text.HumanCount(m.Likes))
	e.fact("updated", updated)
	e.fact("pipeline", or(m.PipelineTag, "-"))
	e.fact("library", or(m.LibraryName, "-"))
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
