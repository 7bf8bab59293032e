package rank

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/query"
)

// entry is a model with a parameter count, a context, and a fit whose
// shown variant has the level and size (level "" for no fit).
func entry(id string, params, ctx int64, level fit.Level, size uint64) Entry {
	m := compat.Model{ID: id, Parameters: compat.Int{Value: params}}
	e := Entry{Judged: compat.Judged{Model: m, Verdict: compat.Verdict{ID: id, RecommendedWorker: "w"}}}
	if ctx > 0 {
		e.Judged.Verdict.ContextLength = &ctx
	}
	if level != "" {
		l, s := level, size
		e.Fit = &fit.Result{Contexts: map[string]int64{"w": 4096},
			Variants: []fit.VariantFit{{Name: "v", Complete: true, Size: &s, Fit: map[string]*fit.Level{"w": &l}}}}
		if level != fit.TooBig && level != fit.Unknown {
			name := "v"
			e.Fit.Best = map[string]*string{"w": &name}
		}
	}
	return e
}

func ids(es []Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Judged.Model.ID)
	}
	return out
}

func TestCompare(t *testing.T) {
	es := []Entry{
		entry("toobig", 70e9, 131072, fit.TooBig, 40<<30),
		entry("nofit", 0, 0, "", 0),
		entry("fits-small", 1e9, 32768, fit.Fits, 1<<30),
		entry("tight", 8e9, 8192, fit.Tight, 7<<30),
		entry("fits-big", 4e9, 0, fit.Fits, 4<<30),
		entry("offload", 14e9, 65536, fit.Offload, 12<<30),
		entry("unknown", 3e9, 4096, fit.Unknown, 2<<30),
	}
	for name, want := range map[string][]string{
		query.SortFit:     {"fits-big", "fits-small", "tight", "offload", "unknown", "nofit", "toobig"},
		query.SortSize:    {"fits-small", "unknown", "fits-big", "tight", "offload", "toobig", "nofit"},
		query.SortParams:  {"fits-small", "unknown", "fits-big", "tight", "offload", "toobig", "nofit"},
		query.SortContext: {"toobig", "offload", "fits-small", "tight", "unknown", "nofit", "fits-big"},
	} {
		t.Run(name, func(t *testing.T) {
			got := slices.Clone(es)
			slices.SortStableFunc(got, Compare(name))
			assert.Equal(t, want, ids(got))
		})
	}
	assert.Nil(t, Compare(query.SortDownloads), "a Hub order is not local")
}

// withDecode gives the entry's best file a decode speed (tok/s at an
// empty context, the band's mid).
func withDecode(e Entry, mid float64) Entry {
	d := fit.Decode{Empty: fit.NewBand(mid), Full: fit.NewBand(mid / 2)}
	e.Fit.Variants[0].Speed = map[string]*fit.Speed{"w": {Decode: &d}}
	return e
}

// The speed order: the best file's decode speed, fastest first; a model
// without a best file (too big), without a fit, or whose speed is unknown
// goes last, in the Hub's order.
func TestCompareSpeed(t *testing.T) {
	unknown := entry("fits-speed-unknown", 1e9, 0, fit.Fits, 1<<30)
	unknown.Fit.Variants[0].Speed = map[string]*fit.Speed{"w": {Reason: fit.SpeedCPUNotMeasured}}
	es := []Entry{
		withDecode(entry("toobig", 70e9, 0, fit.TooBig, 40<<30), 90), // no best file: its speed does not count
		entry("nofit", 0, 0, "", 0),
		withDecode(entry("slow", 8e9, 0, fit.Tight, 7<<30), 4.2),
		unknown,
		withDecode(entry("fast", 1e9, 0, fit.Fits, 1<<30), 38.5),
		withDecode(entry("mid", 4e9, 0, fit.Offload, 3<<30), 11),
	}
	slices.SortStableFunc(es, Compare(query.SortSpeed))
	assert.Equal(t, []string{"fast", "mid", "slow", "toobig", "nofit", "fits-speed-unknown"}, ids(es))

	// The shown worker's speed counts, not the recommended one's.
	a, b := withDecode(entry("a", 1e9, 0, fit.Fits, 1<<30), 10), withDecode(entry("b", 1e9, 0, fit.Fits, 1<<30), 20)
	d := fit.Decode{Empty: fit.NewBand(50)}
	a.Fit.Variants[0].Speed["x"] = &fit.Speed{Decode: &d}
	a.Fit.Best["x"], a.Fit.Contexts["x"] = a.Fit.Best["w"], 4096
	a.Worker, b.Worker = "x", "x"
	got := []Entry{b, a}
	slices.SortStableFunc(got, Compare(query.SortSpeed))
	assert.Equal(t, []string{"a", "b"}, ids(got), "a is faster on x; b has no speed on x")
}

func TestParseRange(t *testing.T) {
	for in, want := range map[string]Range{
		"1B-9B":     {Min: 1e9, Max: 9e9},
		"500M-1.5b": {Min: 500e6, Max: 1.5e9},
		"-4B":       {Max: 4e9},
		"35B-":      {Min: 35e9},
		"unknown":   {Unknown: true},
		" 1b - 2b ": {Min: 1e9, Max: 2e9},
	} {
		got, err := ParseRange(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "-", "9B", "9B-1B", "xB-2B", "1B-2Q", "-1B-2B", "NaN-1B", "1e300B-"} {
		_, err := ParseRange(bad)
		assert.Error(t, err, bad)
	}
}

func TestFacetsHide(t *testing.T) {
	gguf := compat.Model{ID: "a/gguf", Formats: compat.Formats{Values: []string{"gguf"}}, Parameters: compat.Int{Value: 7e9},
		Files: []string{"a-Q4_K_M.gguf", "a-Q8_0.gguf"}}
	st := compat.Model{ID: "a/st", Formats: compat.Formats{Values: []string{"safetensors"}}, Gated: "manual",
		Files: []string{"model.safetensors"}}
	e := func(m compat.Model) Entry { return Entry{Judged: compat.Judged{Model: m}} }
	for name, tt := range map[string]struct {
		f        Facets
		gguf, st string
	}{
		"none":          {Facets{}, "", ""},
		"gguf":          {Facets{Format: FormatGGUF}, "", FacetFormat},
		"safetensors":   {Facets{Format: FormatSafetensors}, FacetFormat, ""},
		"4-9B":          {Facets{Params: Range{Min: 4e9, Max: 9e9}}, "", FacetParams},
		"unknown size":  {Facets{Params: Range{Unknown: true}}, FacetParams, ""},
		"quant":         {Facets{Quant: "q4-k-m"}, "", FacetQuant},
		"quant missing": {Facets{Quant: "IQ2_XS"}, FacetQuant, FacetQuant},
		"gated":         {Facets{Gated: GatedOnly}, FacetGated, ""},
		"not gated":     {Facets{Gated: OpenOnly}, "", FacetGated},
	} {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tt.gguf, tt.f.Hides(e(gguf)))
			assert.Equal(t, tt.st, tt.f.Hides(e(st)))
		})
	}
	assert.Equal(t, "gguf", Facets{Format: FormatGGUF}.HubFilter())
	assert.Empty(t, Facets{Format: FormatSafetensors}.HubFilter())
	assert.Equal(t, "gguf · 1-4B · Q4_K_M · gated", Facets{Format: "gguf", Params: Buckets[2], Quant: "Q4_K_M", Gated: GatedOnly}.Describe())
}
