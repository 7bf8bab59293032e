package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/fit"
)

// Checked is one model judged in full: its verdict (with the fit's
// warnings), and the fit of its files on the machine.
type Checked struct {
	Model   compat.Model
	Verdict compat.Verdict
	// Fit is nil when the model is incompatible or its files could not
	// be read (a note says why).
	Fit *fit.Result
	// Listing is the repository's variants and extra files.
	Listing fit.Listing
	// Label is the variant a REPO:LABEL named, as the repository labels
	// it ("" for none).
	Label string
}

// Check judges the repository id (at revision, "" for main) against the
// catalog and weighs its files on the machine at context (0 for the
// model's default). label, when not "", must name one of its variants.
func (h *Hub) Check(ctx context.Context, id, label, revision string, cat compat.Catalog, mach fit.Machine, context int64) (Checked, error) {
	return h.check(ctx, id, label, revision, cat, func() fit.Machine { return mach }, context)
}

// check is Check with the machine asked for only when the files are
// weighed, after the requests: a probe still running (Machine.FitSoon)
// runs while they wait on the network.
func (h *Hub) check(ctx context.Context, id, label, revision string, cat compat.Catalog, machine func() fit.Machine, context int64) (Checked, error) {
	m, err := h.Model(ctx, id, revision)
	if err != nil {
		return Checked{}, err
	}
	c := Checked{Model: m, Verdict: compat.Check(m, cat)}
	if !c.Verdict.Compatible && label == "" {
		return c, nil
	}
	facts, err := h.Facts(ctx, m)
	switch {
	case err != nil && label != "":
		return c, fmt.Errorf("cannot list the files of %s to find %q: %w", id, label, err)
	case err != nil:
		h.env.note("files and fit unknown: " + err.Error())
		return c, nil
	}
	c.Listing = facts.Listing
	if label != "" {
		v, ok := c.Listing.Find(label)
		if !ok {
			return c, fmt.Errorf("%s has no variant %q (it has %s)", id, label, variantNames(c.Listing))
		}
		c.Label = v.Name
	}
	if r, ok := fit.ForVerdict(facts, m, c.Verdict, cat, machine(), context); ok {
		c.Fit = &r
		c.Verdict.Warnings = append(c.Verdict.Warnings, r.Warnings...)
	}
	return c, nil
}

// FitsRecommended reports whether the recommended worker has a file that
// fits (check --require-fit).
func (c Checked) FitsRecommended() bool {
	return c.Fit != nil && c.Fit.HasBest(c.Verdict.RecommendedWorker)
}

// variantNames lists a repository's variants for an error message.
func variantNames(l fit.Listing) string {
	if len(l.Variants) == 0 {
		return "no downloadable variant"
	}
	names := make([]string, len(l.Variants))
	for i, v := range l.Variants {
		names[i] = v.Name
	}
	return strings.Join(names, ", ")
}

// labelChars are what a variant's label is made of: quant names, file
// stems, folders.
const labelChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+/"

// SplitPick reads REPO:LABEL, as a pick prints it (a repository id never
// holds a colon), and the forms people paste (FIT_POLICY.md section 6):
// hf.co/REPO[:LABEL], huggingface.co/REPO, and a Hub page URL
// (https://huggingface.co/REPO, with or without /tree/..., /blob/... or
// /resolve/... after it). Anything else, "C:\x" say, stays whole and is
// judged as a repository id, which refuses it.
func SplitPick(arg string) (id, label string) {
	arg = pastedForm(arg)
	id, label, ok := strings.Cut(arg, ":")
	if !ok || label == "" || strings.Trim(label, labelChars) != "" || strings.HasPrefix(label, "/") {
		return arg, ""
	}
	return id, label
}

// BrowseQuery is the Hub search the browser's QUERY words ask for: a repo
// id as people paste it (hf.co/REPO:LABEL, a Hub page URL, REPO:LABEL)
// searches for the repository's id, which the Hub's search finds; other
// words are searched as they are.
func BrowseQuery(args []string) string {
	if len(args) == 1 {
		if id, _ := SplitPick(args[0]); id != args[0] {
			return id
		}
	}
	return strings.Join(args, " ")
}

// hubHosts are the hosts whose page addresses name a repository.
var hubHosts = []string{"hf.co/", "huggingface.co/", "www.huggingface.co/"}

// pastedForm turns hf.co/REPO[:LABEL] and Hub page URLs into REPO[:LABEL];
// anything else is returned as is.
func pastedForm(arg string) string {
	rest := arg
	scheme := false
	for _, p := range []string{"https://", "http://"} {
		if r, ok := strings.CutPrefix(rest, p); ok {
			rest, scheme = r, true
			break
		}
	}
	host := false
	for _, h := range hubHosts {
		if len(rest) >= len(h) && strings.EqualFold(rest[:len(h)], h) {
			rest, host = rest[len(h):], true
			break
		}
	}
	if !host || (scheme && strings.ContainsAny(rest, " ")) {
		return arg
	}
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest = rest[:i]
	}
	parts := strings.Split(strings.TrimSuffix(rest, "/"), "/")
	switch {
	case len(parts) < 2:
		return arg
	case len(parts) == 2:
		return parts[0] + "/" + parts[1]
	case parts[2] == "tree" || parts[2] == "blob" || parts[2] == "resolve":
		return parts[0] + "/" + parts[1]
	}
	return arg
}
