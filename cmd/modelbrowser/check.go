package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/ui"
)

func runCheck(ctx context.Context, e env, args []string) (int, error) {
	fs := newFlagSet("check")
	var common commonFlags
	common.register(fs)
	worker := fs.String("worker", "", "judge the model for this worker only")
	revision := fs.String("revision", "", "a branch, tag or commit of the repository")
	asJSON := fs.Bool("json", false, "print the verdict as JSON")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return exitError, err
	}
	if len(pos) != 1 {
		return exitError, usageError{"check: want exactly one REPO_ID, e.g. modelbrowser check meta-llama/Llama-3.1-8B-Instruct"}
	}
	cat, hub, err := connect(e, common)
	if err != nil {
		return exitError, err
	}
	defer hub.close()
	if *worker != "" {
		w, ok := cat.Worker(*worker)
		if !ok {
			return exitError, usageError{fmt.Sprintf("check: no worker named %q in the catalog (%s); see 'modelbrowser workers'", *worker, workerNames(cat))}
		}
		cat.Workers = []compat.Worker{w}
	}
	m, err := hub.model(ctx, pos[0], *revision)
	if err != nil {
		return exitError, err
	}
	v := compat.Check(m, cat)
	if *asJSON {
		if err := writeJSON(e.stdout, v); err != nil {
			return exitError, err
		}
	} else {
		writeExplanation(e.stdout, m, v)
	}
	if !v.Compatible {
		return exitNegative, nil
	}
	return exitOK, nil
}

func workerNames(c compat.Catalog) string {
	names := make([]string, len(c.Workers))
	for i, w := range c.Workers {
		names[i] = w.Name
	}
	return strings.Join(names, ", ")
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(jsonInert{w})
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeExplanation prints the whole verdict for a person: the answer, why,
// the facts with their sources, every worker, warnings and what to do.
func writeExplanation(w io.Writer, m compat.Model, v compat.Verdict) {
	s := ui.Sanitize
	fmt.Fprintln(w, s(v.ID))
	verdict := "✗ incompatible"
	if v.Compatible {
		verdict = "✓ compatible"
		if v.HasWarnings() {
			verdict = "! compatible, with warnings"
		}
	}
	line := fmt.Sprintf("  %s · confidence %s", verdict, v.Confidence)
	if v.RecommendedWorker != "" {
		line += " · recommended worker " + v.RecommendedWorker
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
		fmt.Fprintf(tw, "  family\t%s\t\n", v.Family)
	}
	fmt.Fprintf(tw, "  formats\t%s\t%s\n", orUnknown(s(strings.Join(v.Formats, ", "))), sourceOf(m.Formats.Source))
	ctx := "unknown"
	if v.ContextLength != nil {
		ctx = fmt.Sprint(*v.ContextLength)
	}
	fmt.Fprintf(tw, "  context length\t%s\t%s\n", ctx, sourceOf(m.ContextLength.Source))
	params := "unknown"
	if v.Parameters != nil {
		params = fmt.Sprintf("%s (%d)", ui.HumanParams(*v.Parameters), *v.Parameters)
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
	fmt.Fprintf(tw, "  downloads\t%s\t\n", ui.HumanCount(m.Downloads))
	fmt.Fprintf(tw, "  likes\t%s\t\n", ui.HumanCount(m.Likes))
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
		fmt.Fprintf(tw, "%s %s\t%s\t%s\t%s\t%d\t%s\n", mark, r.Name, verdict, r.Confidence, orDash(r.Format), r.MaxContext, strings.Join(notes, "; "))
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
