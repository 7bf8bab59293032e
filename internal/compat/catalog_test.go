package compat_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

// Policy section 4, row by row.
func TestDefaultCatalogWorkers(t *testing.T) {
	tests := map[string]struct {
		device    string
		platforms []string
	}{
		cpuWorker:   {device: "cpu", platforms: []string{"linux", "macos", "windows"}},
		cudaWorker:  {device: "cuda", platforms: []string{"linux", "windows"}},
		metalWorker: {device: "metal", platforms: []string{"macos"}},
		rocmWorker:  {device: "rocm", platforms: []string{"linux"}},
	}
	c := compat.DefaultCatalog()
	names := []string{}
	for _, w := range c.Workers {
		names = append(names, w.Name)
	}
	assert.Equal(t, defaultWorkerNames, names)

	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			w, ok := c.Worker(name)
			require.True(t, ok)
			assert.Equal(t, tc.device, w.Device)
			assert.ElementsMatch(t, tc.platforms, w.Platforms)
			assert.ElementsMatch(t, []string{"gguf", "safetensors"}, w.Formats)
			assert.Equal(t, int64(32768), w.MaxContext)
			assert.True(t, w.Streaming)
			assert.False(t, w.Batching)

			// The architectures per format are exactly the table of section 3.
			st, gguf := []string{}, []string{}
			for mt := range policyModelTypes {
				st = append(st, mt)
			}
			for a := range policyGGUFArchitectures {
				gguf = append(gguf, a)
			}
			require.Len(t, w.Architectures, 2)
			assert.ElementsMatch(t, st, w.Architectures[compat.FormatSafetensors])
			assert.ElementsMatch(t, gguf, w.Architectures[compat.FormatGGUF])
		})
	}
}

func TestDefaultFamilies(t *testing.T) {
	want := map[string]struct {
		conf  compat.Confidence
		archs []string
	}{}
	add := func(table map[string]familyWant) {
		for arch, fw := range table {
			f := want[fw.family]
			f.conf = fw.conf
			if !containsString(f.archs, arch) {
				f.archs = append(f.archs, arch)
			}
			want[fw.family] = f
		}
	}
	add(policyModelTypes)
	add(policyGGUFArchitectures)

	fams := compat.DefaultFamilies()
	require.Len(t, fams, len(want))
	for _, f := range fams {
		w, ok := want[f.Name]
		require.Truef(t, ok, "family %q is not in the policy", f.Name)
		assert.Equal(t, w.conf, f.Confidence, f.Name)
		assert.ElementsMatch(t, w.archs, f.Architectures, f.Name)
	}
	assert.Equal(t, fams, compat.DefaultCatalog().Families)
}

// Each call gives a catalog of its own: changing one changes no other.
func TestDefaultCatalogIsFresh(t *testing.T) {
	c := compat.DefaultCatalog()
	c.Workers[0].Architectures[compat.FormatSafetensors] = append(c.Workers[0].Architectures[compat.FormatSafetensors], "starcoder2")
	c.Workers[0].Formats[0] = "onnx"

	fresh := compat.DefaultCatalog()
	for _, w := range fresh.Workers {
		assert.False(t, w.Runs("starcoder2", compat.FormatSafetensors), w.Name)
		assert.ElementsMatch(t, []string{"gguf", "safetensors"}, w.Formats, w.Name)
	}
	for _, w := range c.Workers[1:] {
		assert.False(t, w.Runs("starcoder2", compat.FormatSafetensors), "workers of one catalog share no list: %s", w.Name)
	}
}

// Policy section 4: the catalog is the single source of truth; a user
// catalog can replace or extend it.
func TestUserDefinedCatalog(t *testing.T) {
	starcoder := compat.Derive(stRaw("bigcode/starcoder2-3b", "starcoder2"))
	llama := compat.Derive(stRaw("meta-llama/Llama-3.2-1B", "llama"))

	t.Run("default catalog does not run starcoder2", func(t *testing.T) {
		requireIncompatible(t, compat.Check(starcoder, compat.DefaultCatalog()), compat.CodeArchUnsupported)
	})

	t.Run("a replacing catalog adds an architecture", func(t *testing.T) {
		c := compat.Catalog{Workers: []compat.Worker{{
			Name: "coder", Device: "cpu", Platforms: []string{"linux"},
			Formats:       []string{compat.FormatSafetensors},
			Architectures: map[string][]string{compat.FormatSafetensors: {"llama", "starcoder2"}},
			MaxContext:    16384,
		}}}
		v := compat.Check(starcoder, c)
		require.True(t, v.Compatible, "%+v", v.Reasons)
		assert.Equal(t, []string{compat.CodeOK}, codes(v.Reasons))
		assert.Contains(t, v.Reasons[0].Message, "starcoder2")
		assert.Equal(t, "coder", v.RecommendedWorker)
		assert.NotEqual(t, compat.None, v.Confidence)

		// The replacing catalog's limit is the one checked.
		long := compat.Check(withContext(starcoder, 16385), c)
		msg, ok := messageFor(long.Warnings, compat.CodeCtxExceedsWorker)
		require.True(t, ok)
		assert.Equal(t, ctxMessage(16385, 16384), msg)
	})

	t.Run("extending the default catalog", func(t *testing.T) {
		c := compat.DefaultCatalog()
		c.Families = append(c.Families, compat.Family{Name: "starcoder", Confidence: compat.Medium, Architectures: []string{"starcoder2"}})
		c.Workers[0].Architectures[compat.FormatSafetensors] = append(c.Workers[0].Architectures[compat.FormatSafetensors], "starcoder2")

		v := compat.Check(starcoder, c)
		requireCompatible(t, v, compat.Medium)
		assert.Equal(t, "starcoder", v.Family)
		ok, _ := v.WorkerResult(cpuWorker)
		assert.True(t, ok.Compatible)
		for _, name := range defaultWorkerNames[1:] {
			r, _ := v.WorkerResult(name)
			assert.Falsef(t, r.Compatible, "worker %s", name)
			assert.Equal(t, []string{compat.CodeArchUnsupported}, codes(r.Reasons))
		}
		// And the llama model is unchanged.
		requireCompatible(t, compat.Check(llama, c), compat.High)
	})

	t.Run("a catalog without llama makes llama unsupported", func(t *testing.T) {
		c := compat.Catalog{Families: compat.DefaultFamilies(), Workers: []compat.Worker{{
			Name: "coder", Device: "cpu", Formats: []string{compat.FormatSafetensors},
			Architectures: map[string][]string{compat.FormatSafetensors: {"starcoder2"}},
		}}}
		requireIncompatible(t, compat.Check(llama, c), compat.CodeArchUnsupported)
	})

	t.Run("a worker that loads no gguf", func(t *testing.T) {
		c := compat.Catalog{Families: compat.DefaultFamilies(), Workers: []compat.Worker{{
			Name: "st-only", Device: "cpu", Formats: []string{compat.FormatSafetensors},
			Architectures: map[string][]string{compat.FormatSafetensors: {"llama"}, compat.FormatGGUF: {"llama"}},
		}}}
		v := compat.Check(compat.Derive(ggufRaw("org/m-GGUF", "llama")), c)
		requireIncompatible(t, v, compat.CodeFormatUnsupported)
		assert.Contains(t, v.Reasons[0].Message, "gguf")
		assert.Truef(t, anyContains(v.Recommendations, "SafeTensors"), "%q", v.Recommendations)
		assert.False(t, anyContains(v.Recommendations, "GGUF version"), "recommend only what the catalog loads: %q", v.Recommendations)
	})
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestWorkerRunsOn(t *testing.T) {
	w := compat.Worker{Name: "w", Platforms: []string{"linux", "macOS"}}
	for platform, want := range map[string]bool{"linux": true, "macos": true, "windows": false, "": true} {
		assert.Equal(t, want, w.RunsOn(platform), platform)
	}
	assert.True(t, compat.Worker{Name: "any"}.RunsOn("windows"), "no platforms listed: anywhere")
}
