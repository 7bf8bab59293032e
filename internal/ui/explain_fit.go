package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// fitPane is what the "Files and fit" section needs beside the item: the
// machine and catalog, and the variant under the cursor (-1: none drawn).
type fitPane struct {
	cfg    fitConfig
	cursor int
}

// fitSection writes "Files and fit": one row per variant (label, size,
// memory at the context, level for the shown worker), the best marked, the
// extra files as such, downloaded files marked; then the split of the
// highlighted variant against what the device offers. It returns the line
// (from the section's first) of the cursor's row, -1 when none.
func (e *explainer) fitSection(it *item, worker string, fp fitPane) int {
	if len(fp.cfg.catalog.Workers) == 0 {
		return -1 // no catalog to judge by (explain without a pane)
	}
	e.section("Files and fit")
	fc := it.fit
	switch {
	case it.factsState == factsFailed:
		e.line(e.st.Subtle.Render("  could not read the file sizes"))
		return -1
	case len(fp.cfg.compatibleWorkers(it.judged.Verdict)) == 0:
		e.line(e.st.Subtle.Render("  no worker loads this model"))
		return -1
	case !it.loadsOn(worker):
		e.wrapped(e.st.Subtle.Render("  "+text.Sanitize(worker)+" does not load this model: no fit for it. w shows another worker."), 4)
		return -1
	case fp.cfg.notHere(worker):
		what, flag := fp.cfg.needs(worker)
		e.wrapped("  "+text.Sanitize(worker)+": not on this machine (it needs "+what+"). "+
			flag+" plans for one (e.g. "+strings.Replace(flag, "SIZE", "24G", 1)+"); w shows another worker.", 4)
		return -1
	case it.factsState != factsIn || fc == nil || fc.key.worker != worker:
		e.line(e.st.Subtle.Render("  loading…"))
		return -1
	}
	res := fc.res
	nCtx, judged := res.Contexts[worker]
	w, _ := fp.cfg.catalog.Worker(worker)
	device := strings.ToLower(w.Device)
	mach, _ := fp.cfg.planMachine(worker) // this machine, or the one planned for
	offer, offerOK := mach.Offer(device)
	if !judged {
		e.wrapped("  "+text.Sanitize(worker)+" has no fit here. w shows another worker.", 4)
		return -1
	}
	if fp.cfg.planning(worker) {
		e.wrapped(e.st.Warning.Render("  planning: "+text.Sanitize(worker)+" cannot run on this machine; judged against the figures given"), 4)
	}
	offers := "unknown"
	if offerOK {
		offers = fit.HumanBytes(offer)
	}
	sub := fmt.Sprintf("  %s tokens · %s offers %s", exactContext(nCtx), device, offers)
	if ansi.StringWidth(sub)+len(" · +/- context") <= e.width {
		sub += " · +/- context"
	}
	e.wrapped(e.st.Subtle.Render(sub), 4)
	if u := res.ShapeUnknown; u != nil {
		e.wrapped(e.st.level(fit.Unknown).Render("  ? The KV cache is unknown: "+text.Sanitize(u.Message)+"."), 4)
	}
	for _, m := range res.Warnings {
		if m.Code == fit.CodeMemUnknown {
			continue // said just above
		}
		e.wrapped("  ! "+text.Sanitize(m.Message), 4)
	}
	if c, ok := res.MaxContext[worker]; ok {
		switch {
		case res.MaxContextUnknown(worker):
			e.wrapped(e.st.Subtle.Render("  largest context that fits: unknown"), 4)
		case c == nil:
			e.wrapped(e.st.Subtle.Render("  no variant fits at any context from 2,048 tokens"), 4)
		default:
			e.wrapped(e.st.Subtle.Render("  the smallest variant fits at up to "+exactContext(*c)+" tokens (- to step down)"), 4)
		}
	}
	if len(res.Variants) == 0 && len(it.facts.Listing.Extras) == 0 {
		e.line(e.st.Subtle.Render("  no weight files"))
		return -1
	}

	type row struct{ label, size, mem, level, note string }
	best := ""
	if b := res.Best[worker]; b != nil {
		best = *b
	}
	rows := make([]row, 0, len(res.Variants)+len(it.facts.Listing.Extras))
	for _, v := range res.Variants {
		r := row{label: text.Sanitize(v.Name), size: "?", mem: rangeBytes(v.Memory.Low, v.Memory.High)}
		if v.Size != nil {
			r.size = fit.HumanBytes(*v.Size)
		}
		if l, loads := v.Fit[worker]; loads {
			r.level = levelWords(l)
		} else {
			r.level, r.mem = "- not loaded", "-"
		}
		var notes []string
		if v.Name == best {
			notes = append(notes, "best")
			if sp := v.Speed[worker]; sp.Known() {
				notes = append(notes, sp.Decode.Empty.String())
			}
		}
		if k, ok := v.GPULayers[worker]; ok {
			notes = append(notes, fmt.Sprintf("-ngl %d", k))
		}
		if downloaded(it.facts, v.Files) {
			notes = append(notes, "downloaded")
		}
		r.note = strings.Join(notes, " · ")
		rows = append(rows, r)
	}
	for _, x := range it.facts.Listing.Extras {
		r := row{label: text.Sanitize(x.Path[strings.LastIndexByte(x.Path, '/')+1:]), size: "?", mem: "-", level: "-", note: roleWords(x.Role)}
		if x.Size != nil {
			r.size = fit.HumanBytes(*x.Size)
		}
		if downloaded(it.facts, []fit.File{x.File}) {
			r.note += " · downloaded"
		}
		rows = append(rows, r)
	}
	labelW, sizeW, memW, levelW, noteW := len("VARIANT"), len("SIZE"), len("MEMORY"), len("FIT"), 0
	for _, r := range rows {
		labelW = max(labelW, ansi.StringWidth(r.label))
		sizeW = max(sizeW, ansi.StringWidth(r.size))
		memW = max(memW, ansi.StringWidth(r.mem))
		levelW = max(levelW, ansi.StringWidth(r.level))
		noteW = max(noteW, ansi.StringWidth(r.note))
	}
	// The figures and notes matter more than a long label's end, down to
	// ten cells of it.
	fixed := 2 + sizeW + memW + levelW + 3
	if noteW > 0 {
		fixed += noteW + 1
	}
	labelW = min(labelW, max(10, e.width-fixed))
	line := func(mark string, r row) string {
		var b strings.Builder
		b.WriteString(mark)
		cell(&b, r.label, labelW, false)
		b.WriteByte(' ')
		cell(&b, r.size, sizeW, true)
		b.WriteByte(' ')
		cell(&b, r.mem, memW, false)
		b.WriteByte(' ')
		cell(&b, r.level, levelW, false)
		if r.note != "" {
			b.WriteString(" " + r.note)
		}
		return ansi.Truncate(strings.TrimRight(b.String(), " "), e.width, "…")
	}
	e.line(e.st.Label.Render(line("  ", row{label: "VARIANT", size: "SIZE", mem: "MEMORY", level: "FIT"})))
	cursorLine := -1
	for i, r := range rows {
		switch {
		case i == fp.cursor && i < len(res.Variants):
			cursorLine = strings.Count(e.b.String(), "\n")
			e.line(e.st.SelectedRow.Render(line("› ", r)))
		case i < len(res.Variants) && res.Variants[i].Fit[worker] != nil:
			e.line(e.levelStyle(*res.Variants[i].Fit[worker]).Render(line("  ", r)))
		default:
			e.line(line("  ", r))
		}
	}
	if fp.cursor >= 0 && fp.cursor < len(res.Variants) {
		v := res.Variants[fp.cursor]
		e.split(v, nCtx, device, offer, offerOK)
		if len(v.LlamaCpp) > 0 {
			e.wrapped(e.st.Subtle.Render("  llama.cpp: llama-server "+text.Sanitize(strings.Join(v.LlamaCpp, " "))), 4)
		}
		e.speedLine(v, worker, nCtx)
	}
	return cursorLine
}

// split draws where the highlighted variant's memory goes (weights, KV
// cache, compute, reserve) against what the device offers, as a bar with
// one glyph per part, so that it reads without colour too.
func (e *explainer) split(v fit.VariantFit, nCtx int64, device string, offer uint64, offerOK bool) {
	m := v.Memory
	e.line("")
	if m.Weights == nil {
		e.line(e.st.Subtle.Render("  " + text.Sanitize(v.Name) + ": size unknown, no split"))
		return
	}
	kv, compute := uint64(0), uint64(0)
	if m.KV != nil {
		kv = *m.KV
	}
	if m.Compute != nil {
		compute = *m.Compute
	}
	parts := []struct {
		glyph, name string
		n           uint64
		known       bool
	}{{"█", "weights", *m.Weights, true}, {"▓", "KV cache", kv, m.KV != nil}, {"▒", "compute", compute, m.Compute != nil}, {"░", "reserve", m.Reserve, true}}
	need := *m.Weights + kv + compute + m.Reserve
	needs := "needs"
	if m.KV == nil || m.Compute == nil {
		needs = "needs at least" // the shape is unknown: the weights alone
	}
	head := fmt.Sprintf("  %s at %s on %s: %s %s", text.Sanitize(v.Name), text.HumanContext(nCtx), device, needs, fit.HumanBytes(need))
	if offerOK {
		head += " of " + fit.HumanBytes(offer)
		if need > offer {
			head += " (" + fit.HumanBytes(need-offer) + " short)"
		}
	}
	e.wrapped(head, 4)
	barW := max(1, min(48, e.width-4))
	scale := need
	if offerOK && offer > scale {
		scale = offer
	}
	var bar strings.Builder
	used, sum := 0, uint64(0)
	for _, p := range parts {
		// Each part ends where its running sum falls, rounded: no gaps.
		sum += p.n
		end := barW
		if scale > 0 {
			end = int(float64(sum)/float64(scale)*float64(barW) + 0.5)
		}
		n := min(max(end-used, 0), barW-used)
		if p.n > 0 && n == 0 && used < barW {
			n = 1
		}
		bar.WriteString(strings.Repeat(p.glyph, n))
		used += n
	}
	bar.WriteString(strings.Repeat("·", barW-used))
	e.line("  [" + bar.String() + "]")
	legend := make([]string, 0, len(parts))
	for _, p := range parts {
		if p.known && p.n == 0 {
			continue // no reserve on cpu
		}
		figure := fit.HumanBytes(p.n)
		if !p.known {
			figure = "unknown"
		}
		legend = append(legend, keep(p.glyph+" "+p.name+" "+figure))
	}
	if offerOK && offer > need {
		legend = append(legend, keep("· free "+fit.HumanBytes(offer-need)))
	}
	e.wrapped("  "+strings.Join(legend, "  "), 2)
}

// levelStyle colours a variant's row by its level.
func (e *explainer) levelStyle(l fit.Level) lipgloss.Style { return e.st.level(l) }

// downloaded reports whether every one of files is in the local cache.
func downloaded(f *fit.Facts, files []fit.File) bool {
	if f == nil || len(f.Downloaded) == 0 || len(files) == 0 {
		return false
	}
	for _, x := range files {
		if !f.Downloaded[x.Path] {
			return false
		}
	}
	return true
}

// roleWords names an extra file's role.
func roleWords(role string) string {
	switch role {
	case fit.RoleMMProj:
		return "vision projector"
	case fit.RoleIMatrix:
		return "importance matrix"
	case fit.RoleMTP:
		return "MTP head"
	}
	return text.Sanitize(role)
}

// keep joins s's words with no-break spaces, so that wrapping keeps a
// figure with its unit and name.
func keep(s string) string { return strings.ReplaceAll(s, " ", "\u00a0") }

// speedLine says the highlighted variant's speed on the worker (FIT_POLICY
// section 7): its decode bands at an empty and a full context, or why it is
// unknown; for an offload, the -ngl that fits.
func (e *explainer) speedLine(v fit.VariantFit, worker string, nCtx int64) {
	if k, ok := v.GPULayers[worker]; ok {
		e.wrapped(e.st.Subtle.Render(fmt.Sprintf("  -ngl %d: the layers that fit on the GPU (llama.cpp's --fit may put one or two fewer)", k)), 4)
	}
	sp := v.Speed[worker]
	switch {
	case sp == nil:
	case sp.Known():
		e.wrapped(e.st.Subtle.Render(fmt.Sprintf("  decode %s, %s at %s tokens (%s)", sp.Decode.Empty, sp.Decode.Full, exactContext(nCtx), text.Sanitize(sp.Basis))), 4)
	case sp.Reason == fit.SpeedGPUNotCalibrated || sp.Reason == fit.SpeedCPUNotCalibrated:
		// Other reasons are said elsewhere (the shape, the offload) or
		// mean speed was not asked for.
		e.wrapped(e.st.Subtle.Render("  "+fit.ReasonWords(sp.Reason)), 4)
	}
}
