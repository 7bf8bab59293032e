package fit

import (
	"slices"

	"github.com/modelbrowser/modelbrowser/internal/text"
)

// Glyph is the level's mark, the same on every surface (policy section
// 5): fits ✓, tight ~, offload ↓, too_big ✗, unknown ?.
func (l Level) Glyph() string {
	switch l {
	case Fits:
		return "✓"
	case Tight:
		return "~"
	case Offload:
		return "↓"
	case TooBig:
		return "✗"
	}
	return "?"
}

// Words is the level for a person, with its mark: "✓ fits", "~ tight",
// "↓ offload", "✗ too big", "? unknown".
func (l Level) Words() string {
	switch l {
	case Fits, Tight, Offload:
		return l.Glyph() + " " + string(l)
	case TooBig:
		return l.Glyph() + " too big"
	}
	return "? unknown"
}

// Shown is the variant a one-cell summary of the worker's fit describes
// (policy section 5): its best variant, else its smallest complete
// variant (of known size when there is one), whose level then says why
// there is none. ok is false when the
// worker was not judged or loads no complete variant.
func (r Result) Shown(worker string) (v VariantFit, level Level, ok bool) {
	if _, judged := r.Contexts[worker]; !judged {
		return VariantFit{}, "", false
	}
	pick := -1
	if b := r.Best[worker]; b != nil {
		pick = slices.IndexFunc(r.Variants, func(v VariantFit) bool { return v.Name == *b })
	}
	for _, sized := range []bool{true, false} { // the smallest of known size first
		for i := len(r.Variants) - 1; i >= 0 && pick < 0; i-- {
			if l := r.Variants[i].Fit[worker]; l != nil && (!sized || r.Variants[i].Size != nil) {
				pick = i
			}
		}
	}
	if pick < 0 {
		return VariantFit{}, "", false
	}
	return r.Variants[pick], *r.Variants[pick].Fit[worker], true
}

// Cell is the FIT cell for the worker, the same in the CLI's table and the
// browser's list: the shown variant's mark, label and narrow size
// ("✓ Q4_K_M 4.6G", "? Q2_K 3.2G"); "?" alone when there is no variant
// to show. Labels are sanitised.
func (r Result) Cell(worker string) string {
	v, l, ok := r.Shown(worker)
	if !ok {
		return Unknown.Glyph()
	}
	return l.Glyph() + " " + VariantText(v)
}

// LabelWidth bounds a label in a one-cell summary: a longer one (a stem
// the Hub made 10,000 characters long) is cut in the middle.
const LabelWidth = 60

// VariantText is a variant's label and narrow size ("Q4_K_M 4.6G"),
// sanitised and cut to LabelWidth.
func VariantText(v VariantFit) string {
	s := text.CutMiddle(text.Sanitize(v.Name), LabelWidth)
	if v.Size != nil {
		s += " " + NarrowBytes(*v.Size)
	}
	return s
}
