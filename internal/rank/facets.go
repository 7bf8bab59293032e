package rank

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/modelbrowser/modelbrowser/internal/text"
)

// Format facets.
const (
	FormatGGUF        = "gguf"
	FormatSafetensors = "safetensors"
)

// Gated facet values.
const (
	GatedOnly = "yes"
	OpenOnly  = "no"
)

// Range is a parameter range: Min <= params <= Max, 0 for an open end.
// Unknown keeps only the models whose count is unknown.
type Range struct {
	Min, Max int64
	Unknown  bool
}

// Any reports whether the range keeps every model.
func (r Range) Any() bool { return r == Range{} }

// Keeps reports whether a model with n parameters (0: unknown) is in the
// range. A bounded range leaves out unknown counts.
func (r Range) Keeps(n int64) bool {
	switch {
	case r.Any():
		return true
	case r.Unknown:
		return n == 0
	case n == 0:
		return false
	}
	return (r.Min == 0 || n >= r.Min) && (r.Max == 0 || n <= r.Max)
}

// String is the range as --params takes it: "1B-9B", "-1B", "35B-",
// "unknown".
func (r Range) String() string {
	switch {
	case r.Any():
		return "any"
	case r.Unknown:
		return "unknown"
	}
	s := ""
	if r.Min > 0 {
		s = shortParams(r.Min)
	}
	s += "-"
	if r.Max > 0 {
		s += shortParams(r.Max)
	}
	return s
}

// Buckets are the browser's parameter ranges, in the order F cycles them.
var Buckets = []Range{
	{}, {Max: 1e9}, {Min: 1e9, Max: 4e9}, {Min: 4e9, Max: 9e9}, {Min: 9e9, Max: 15e9},
	{Min: 15e9, Max: 35e9}, {Min: 35e9}, {Unknown: true},
}

// BucketName is a bucket as the browser names it.
func BucketName(r Range) string {
	switch {
	case r.Any():
		return "any size"
	case r.Unknown:
		return "size unknown"
	case r.Min == 0:
		return "≤ " + shortParams(r.Max)
	case r.Max == 0:
		return "> " + shortParams(r.Min)
	}
	return strings.TrimSuffix(shortParams(r.Min), "B") + "-" + shortParams(r.Max)
}

// ParseRange reads --params: MIN-MAX with either end open ("1B-9B",
// "500M-2B", "-9B", "35B-"), a count with K, M, B or T; or "unknown".
func ParseRange(s string) (Range, error) {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "unknown") {
		return Range{Unknown: true}, nil
	}
	lo, hi, ok := strings.Cut(s, "-")
	if !ok || (lo == "" && hi == "") {
		return Range{}, fmt.Errorf("want MIN-MAX such as 1B-9B, -9B or 35B- (or unknown), got %q", text.OneLine(s, 40))
	}
	var r Range
	var err error
	if lo != "" {
		if r.Min, err = parseCount(lo); err != nil {
			return Range{}, err
		}
	}
	if hi != "" {
		if r.Max, err = parseCount(hi); err != nil {
			return Range{}, err
		}
	}
	if r.Max > 0 && r.Min > r.Max {
		return Range{}, fmt.Errorf("the range %s is empty: its minimum is above its maximum", text.OneLine(s, 40))
	}
	return r, nil
}

// parseCount reads 1B, 1.5b, 500M, 125K, 2T or a plain count.
func parseCount(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	mult := 1.0
	if n := len(t); n > 0 {
		switch t[n-1] {
		case 'K':
			mult, t = 1e3, t[:n-1]
		case 'M':
			mult, t = 1e6, t[:n-1]
		case 'B':
			mult, t = 1e9, t[:n-1]
		case 'T':
			mult, t = 1e12, t[:n-1]
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v <= 0 || math.IsInf(v, 0) || math.IsNaN(v) || v*mult > 1e15 {
		return 0, fmt.Errorf("%q is not a parameter count such as 1B, 500M or 1.5B", text.OneLine(s, 40))
	}
	return int64(v * mult), nil
}

// Facets narrow the loaded models. The zero value keeps every model.
type Facets struct {
	// Format is FormatGGUF, FormatSafetensors or "" for any.
	Format string
	Params Range
	// Quant is a quant label one of the files must carry ("" any).
	Quant string
	// Gated is GatedOnly, OpenOnly or "" for any.
	Gated string
}

// Facet names, for the counts of what each hides.
const (
	FacetFormat = "format"
	FacetParams = "parameters"
	FacetQuant  = "quant"
	FacetGated  = "gated"
)

// Any reports whether the facets keep every model.
func (f Facets) Any() bool { return f == Facets{} }

// HubFilter is the Hub's filter= the facets add to the query: gguf for a
// GGUF facet (fewer pages to read), else "".
func (f Facets) HubFilter() string {
	if f.Format == FormatGGUF {
		return "gguf"
	}
	return ""
}

// Hides is the first facet that leaves e out, "" when none does.
func (f Facets) Hides(e Entry) string {
	m := e.Judged.Model
	switch {
	case f.Format != "" && !slices.Contains(m.Formats.Values, f.Format):
		return FacetFormat
	case !f.Params.Keeps(e.Params()):
		return FacetParams
	case f.Quant != "" && !hasQuant(m, f.Quant):
		return FacetQuant
	case f.Gated == GatedOnly && !m.IsGated(), f.Gated == OpenOnly && m.IsGated():
		return FacetGated
	}
	return ""
}

// Describe is the facets in force, for a header: "gguf · 1-4B · Q4_K_M ·
// gated"; "" when none.
func (f Facets) Describe() string {
	var parts []string
	if f.Format != "" {
		parts = append(parts, f.Format)
	}
	if !f.Params.Any() {
		parts = append(parts, BucketName(f.Params))
	}
	if f.Quant != "" {
		parts = append(parts, text.Sanitize(f.Quant))
	}
	switch f.Gated {
	case GatedOnly:
		parts = append(parts, "gated")
	case OpenOnly:
		parts = append(parts, "not gated")
	}
	return strings.Join(parts, " · ")
}

// shortParams is a count as a bucket names it: 1B, 4B, 500M, 1.5B.
func shortParams(n int64) string { return strings.Replace(text.HumanParams(n), ".0", "", 1) }
