package compat_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

// Policy 5.5: metal on macOS/arm64, cuda where nvidia-smi answers, rocm where
// rocm-smi answers, else cpu.
func TestRecommendedWorkerForMachine(t *testing.T) {
	tests := map[string]struct {
		goos, goarch string
		answers      fakeProber
		want         string
	}{
		"macOS arm64":                  {goos: "darwin", goarch: "arm64", want: metalWorker},
		"macOS arm64, metal first":     {goos: "darwin", goarch: "arm64", answers: fakeProber{"nvidia-smi": true}, want: metalWorker},
		"macOS amd64":                  {goos: "darwin", goarch: "amd64", want: cpuWorker},
		"linux with nvidia-smi":        {goos: "linux", goarch: "amd64", answers: fakeProber{"nvidia-smi": true}, want: cudaWorker},
		"linux arm64 with nvidia-smi":  {goos: "linux", goarch: "arm64", answers: fakeProber{"nvidia-smi": true}, want: cudaWorker},
		"linux with rocm-smi":          {goos: "linux", goarch: "amd64", answers: fakeProber{"rocm-smi": true}, want: rocmWorker},
		"linux with both, cuda first":  {goos: "linux", goarch: "amd64", answers: fakeProber{"nvidia-smi": true, "rocm-smi": true}, want: cudaWorker},
		"linux with nothing":           {goos: "linux", goarch: "amd64", answers: fakeProber{}, want: cpuWorker},
		"linux arm64 with nothing":     {goos: "linux", goarch: "arm64", answers: fakeProber{}, want: cpuWorker},
		"windows with nvidia-smi":      {goos: "windows", goarch: "amd64", answers: fakeProber{"nvidia-smi": true}, want: cudaWorker},
		"windows with nothing":         {goos: "windows", goarch: "amd64", answers: fakeProber{}, want: cpuWorker},
		"windows, rocm is linux-only":  {goos: "windows", goarch: "amd64", answers: fakeProber{"rocm-smi": true}, want: cpuWorker},
		"an OS no accelerator targets": {goos: "freebsd", goarch: "amd64", answers: fakeProber{"nvidia-smi": true}, want: ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var p compat.Prober
			if tc.answers != nil {
				p = tc.answers
			}
			c := compat.DefaultCatalog()
			c.Machine = compat.DetectMachine(tc.goos, tc.goarch, p)

			v := compat.Check(compat.Derive(stRaw("org/m", "llama")), c)
			require.True(t, v.Compatible)
			assert.Equal(t, tc.want, v.RecommendedWorker)
		})
	}
}

func TestDetectMachine(t *testing.T) {
	tests := map[string]struct {
		goos, goarch string
		answers      fakeProber
		os, device   string
	}{
		"darwin is macos":        {goos: "darwin", goarch: "arm64", os: "macos", device: "metal"},
		"intel mac":              {goos: "darwin", goarch: "amd64", os: "macos", device: "cpu"},
		"linux nvidia":           {goos: "linux", goarch: "amd64", answers: fakeProber{"nvidia-smi": true}, os: "linux", device: "cuda"},
		"linux rocm":             {goos: "linux", goarch: "amd64", answers: fakeProber{"rocm-smi": true}, os: "linux", device: "rocm"},
		"linux nothing":          {goos: "linux", goarch: "amd64", answers: fakeProber{}, os: "linux", device: "cpu"},
		"linux without prober":   {goos: "linux", goarch: "amd64", os: "linux", device: "cpu"},
		"windows nvidia":         {goos: "windows", goarch: "amd64", answers: fakeProber{"nvidia-smi": true}, os: "windows", device: "cuda"},
		"other tools are no gpu": {goos: "linux", goarch: "amd64", answers: fakeProber{"lspci": true}, os: "linux", device: "cpu"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var p compat.Prober
			if tc.answers != nil {
				p = tc.answers
			}
			m := compat.DetectMachine(tc.goos, tc.goarch, p)
			assert.Equal(t, tc.os, m.OS)
			assert.Equal(t, tc.goarch, m.Arch)
			assert.Equal(t, tc.device, m.Device())
		})
	}
}

func TestRecommendedWorkerEdgeCases(t *testing.T) {
	cuda := compat.DetectMachine("linux", "amd64", fakeProber{"nvidia-smi": true})

	t.Run("incompatible model has none", func(t *testing.T) {
		c := compat.DefaultCatalog()
		c.Machine = cuda
		v := compat.Check(compat.Derive(stRaw("org/m", "gpt2")), c)
		assert.False(t, v.Compatible)
		assert.Empty(t, v.RecommendedWorker)
	})

	t.Run("no worker suits this machine", func(t *testing.T) {
		def := compat.DefaultCatalog()
		metal, ok := def.Worker(metalWorker)
		require.True(t, ok)
		c := compat.Catalog{Families: def.Families, Workers: []compat.Worker{metal}, Machine: cuda}
		v := compat.Check(compat.Derive(stRaw("org/m", "llama")), c)
		assert.True(t, v.Compatible, "compatible with a worker, just not on this machine")
		assert.Empty(t, v.RecommendedWorker)
	})

	t.Run("only compatible workers are recommended", func(t *testing.T) {
		// The cuda worker here runs no qwen: on a CUDA machine, the cpu
		// worker is the one that suits and can run it.
		def := compat.DefaultCatalog()
		cudaW, _ := def.Worker(cudaWorker)
		cudaW.Architectures = map[string][]string{compat.FormatSafetensors: {"llama"}, compat.FormatGGUF: {"llama"}}
		cpuW, _ := def.Worker(cpuWorker)
		c := compat.Catalog{Families: def.Families, Workers: []compat.Worker{cudaW, cpuW}, Machine: cuda}
		v := compat.Check(compat.Derive(stRaw("org/m", "qwen3")), c)
		require.True(t, v.Compatible)
		r, _ := v.WorkerResult(cudaWorker)
		assert.False(t, r.Compatible)
		assert.Equal(t, cpuWorker, v.RecommendedWorker)
	})

	t.Run("the first suitable worker in catalog order", func(t *testing.T) {
		mk := func(name string) compat.Worker {
			return compat.Worker{
				Name: name, Device: "cuda", Platforms: []string{"linux"}, Formats: []string{compat.FormatSafetensors},
				Architectures: map[string][]string{compat.FormatSafetensors: {"llama"}}, MaxContext: 8192,
			}
		}
		c := compat.Catalog{Families: compat.DefaultFamilies(), Workers: []compat.Worker{mk("first"), mk("second")}, Machine: cuda}
		v := compat.Check(compat.Derive(stRaw("org/m", "llama")), c)
		assert.Equal(t, "first", v.RecommendedWorker)
	})
}
