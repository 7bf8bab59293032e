package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// levelWord is a fit level for a person, with the glyph the browser uses
// too, readable without colour; "-" for an incomplete variant.
func levelWord(l *fit.Level) string {
	if l == nil {
		return "-"
	}
	return l.Words()
}

// shortNames maps each worker to its name less the prefix all share
// (llm-worker-rbee-cpu -> cpu), for narrow column titles.
func shortNames(names []string) map[string]string {
	out := make(map[string]string, len(names))
	prefix := ""
	if len(names) == 1 {
		if i := strings.LastIndexAny(names[0], "-_"); i >= 0 && i < len(names[0])-1 {
			prefix = names[0][:i+1]
		}
	}
	if len(names) > 1 {
		prefix = names[0]
		for _, n := range names[1:] {
			for !strings.HasPrefix(n, prefix) {
				prefix = prefix[:len(prefix)-1]
			}
		}
		if i := strings.LastIndexAny(prefix, "-_"); i >= 0 {
			prefix = prefix[:i+1]
		} else {
			prefix = ""
		}
	}
	for _, n := range names {
		out[n] = strings.TrimPrefix(n, prefix)
	}
	return out
}

// nameWidth and pathWidth bound a variant name and a file path, both the
// Hub's, where check prints them: a longer one is cut in the middle (see
// text.CutMiddle), so that a 10,000-character file name cannot widen every
// row of the table.
const nameWidth, pathWidth = 60, 100

// cutName is s sanitized and cut in the middle to w cells.
func cutName(s string, w int) string { return text.CutMiddle(text.Sanitize(s), w) }

func bytesOr(b *uint64, unknown string) string {
	if b == nil {
		return unknown
	}
	return fit.HumanBytes(*b)
}

// Machine is one line on what this computer offers, each figure with where
// it came from.
func Machine(m fit.Machine) string {
	var parts []string
	cpu := m.CPU
	switch {
	case cpu.Available == nil:
		parts = append(parts, "RAM unknown")
	case cpu.Total != nil:
		parts = append(parts, fmt.Sprintf("%s of %s RAM available (%s)", fit.HumanBytes(*cpu.Available), fit.HumanBytes(*cpu.Total), text.Sanitize(cpu.Source)))
	default:
		parts = append(parts, fmt.Sprintf("%s RAM (%s)", fit.HumanBytes(*cpu.Available), text.Sanitize(cpu.Source)))
	}
	if len(m.GPUs) == 0 {
		parts = append(parts, "no GPU")
	}
	for _, g := range m.GPUs {
		s := fmt.Sprintf("%s %s free", text.Sanitize(g.Name), fit.HumanBytes(g.Free))
		if g.Total != nil {
			s += " of " + fit.HumanBytes(*g.Total)
		}
		parts = append(parts, s+" ("+text.Sanitize(g.Source)+")")
	}
	return strings.Join(parts, " · ")
}

// Fit prints check's "Files and fit": one row per variant with its size,
// its memory at the context on the recommended worker's device, and its
// level on each worker that runs here, the best one per worker starred;
// marked (a REPO:LABEL pick) is pointed at; then the files that are no
// variant, the machine, and the largest context that fits where nothing
// does at the context.
func Fit(w io.Writer, r fit.Result, l fit.Listing, recommended, marked string) {
	fmt.Fprintf(w, "\nFiles and fit (context %d tokens; memory as the %s worker needs it)\n", r.Context, text.Sanitize(recommended))
	var workers []string
	for name := range r.Best {
		workers = append(workers, name)
	}
	sort.Strings(workers)
	short := shortNames(workers)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := "    VARIANT\tSIZE\tMEMORY"
	for _, n := range workers {
		head += "\t" + strings.ToUpper(text.Sanitize(short[n]))
	}
	fmt.Fprintln(tw, head)
	for _, v := range r.Variants {
		mark := "  "
		if v.Name == marked {
			mark = "> "
		}
		size := bytesOr(v.Size, "?")
		if !v.Complete {
			size += " (incomplete)"
		}
		mem := "?"
		if v.Memory.Low != nil {
			mem = fit.HumanBytes(*v.Memory.Low)
			if v.Memory.High != nil {
				mem += "-" + fit.HumanBytes(*v.Memory.High)
			} else {
				mem += "-?"
			}
		}
		row := fmt.Sprintf("  %s%s\t%s\t%s", mark, cutName(v.Name, nameWidth), size, mem)
		for _, n := range workers {
			cell := levelWord(v.Fit[n])
			if b := r.Best[n]; b != nil && *b == v.Name {
				cell += " *"
			}
			row += "\t" + cell + speedCell(v, n)
		}
		fmt.Fprintln(tw, row)
	}
	tw.Flush()
	if len(r.Variants) == 0 {
		fmt.Fprintln(w, "    (no downloadable variant for these workers)")
	}
	fmt.Fprintln(w, "  (* best for that worker on this machine)")
	for _, x := range l.Extras {
		fmt.Fprintf(w, "  also: %s (%s, %s), not a model on its own\n", cutName(x.Path, pathWidth), x.Role, bytesOr(x.Size, "size unknown"))
	}
	target := marked
	if b := r.Best[recommended]; target == "" && b != nil {
		target = *b
	}
	for _, v := range r.Variants {
		if v.Name == target && len(v.LlamaCpp) > 0 {
			fmt.Fprintf(w, "  llama.cpp: llama-server %s\n", cutName(strings.Join(v.LlamaCpp, " "), pathWidth+50))
		}
	}
	if u := r.ShapeUnknown; u != nil {
		fmt.Fprintf(w, "  shape unknown (%s): %s\n", u.Reason, text.Sanitize(u.Message))
	}
	fmt.Fprintf(w, "  machine: %s\n", Machine(r.Machine))
	speedNotes(w, r, workers)
	for _, n := range workers {
		if c, ok := r.MaxContext[n]; ok {
			if r.MaxContextUnknown(n) {
				fmt.Fprintf(w, "  %s: the largest context that fits is unknown until the shape is known\n", text.Sanitize(n))
			} else if c == nil {
				fmt.Fprintf(w, "  %s: no variant fits at any context from 2048 tokens\n", text.Sanitize(n))
			} else {
				fmt.Fprintf(w, "  %s: the smallest variant fits at up to %d tokens (--ctx %d)\n", text.Sanitize(n), *c, *c)
			}
		}
	}
}

// bestCell is the FIT cell of search --fit, the same as the browser's:
// the recommended worker's best file, else its smallest file, with its
// level's glyph, label and size ("✓ Q4_K_M 4.6G", "✗ Q2_K 3.2G", "?
// Q4_0 1.0G" when the shape is unknown); "?" when the files could not be
// read.
func bestCell(r *fit.Result, worker string) string {
	if r == nil {
		return "?"
	}
	return r.Cell(worker)
}

// speedCell is a variant's speed on a worker after its level: the decode
// band at an empty context ("~25 tok/s (18-32)"), "-ngl 27" for an
// offload, "speed ?" when unknown, nothing when there is none to give.
func speedCell(v fit.VariantFit, worker string) string {
	if k, ok := v.GPULayers[worker]; ok {
		return fmt.Sprintf(" -ngl %d", k)
	}
	sp := v.Speed[worker]
	switch {
	case sp == nil:
		return ""
	case sp.Known():
		return " " + sp.Decode.Empty.String()
	}
	return " speed ?"
}

// speedNotes say, per worker, what its speeds rest on (or why they are
// unknown), the full-context figure of its best variant, and what -ngl
// means.
func speedNotes(w io.Writer, r fit.Result, workers []string) {
	ngl := false
	for _, n := range workers {
		var basis, reason string
		for _, v := range r.Variants {
			if _, ok := v.GPULayers[n]; ok {
				ngl = true
			}
			if sp := v.Speed[n]; sp.Known() && basis == "" {
				basis = sp.Basis
			} else if sp != nil && !sp.Known() && reason == "" && sp.Reason != fit.SpeedPartialOffload {
				reason = sp.Reason
			}
		}
		switch {
		case basis != "":
			line := fmt.Sprintf("  speed on %s: decode at an empty context, x0.7-x1.3", text.Sanitize(n))
			if b := r.Best[n]; b != nil {
				for _, v := range r.Variants {
					if sp := v.Speed[n]; v.Name == *b && sp.Known() {
						line += fmt.Sprintf("; %s at %s tokens: %s", cutName(v.Name, 30), text.Thousands(r.Contexts[n]), sp.Decode.Full)
						if sp.Prompt != nil {
							line += fmt.Sprintf(", prompt %s", sp.Prompt)
						}
					}
				}
			}
			fmt.Fprintln(w, line)
			fmt.Fprintf(w, "    from %s\n", cutName(basis, 150))
		case reason != "":
			fmt.Fprintf(w, "  speed on %s: %s\n", text.Sanitize(n), fit.ReasonWords(reason))
		}
	}
	if ngl {
		fmt.Fprintln(w, "  -ngl: the layers that fit on the GPU (llama.cpp's own --fit may put one or two fewer there); speed with layers on the CPU is not estimated")
	}
}
