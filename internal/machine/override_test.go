package machine

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/modelbrowser/modelbrowser/internal/fit"
)

func TestOverride(t *testing.T) {
	probed := fit.Machine{OS: "linux", Arch: "amd64",
		CPU: fit.Memory{Available: u64(20 << 30), Total: u64(32 << 30), Source: "/proc/meminfo"},
		GPUs: []fit.GPU{
			{Name: "NVIDIA GeForce RTX 4090", Vendor: "nvidia", Total: u64(24 << 30), Free: 23 << 30, Source: "nvidia-smi"},
			{Name: "AMD card0", Vendor: "amd", Total: u64(16 << 30), Free: 15 << 30, Source: "rocm-smi"},
		}}
	keep := probed
	keep.GPUs = append([]fit.GPU(nil), probed.GPUs...)

	for _, tc := range []struct {
		name         string
		memory, vram *uint64
		cpu          fit.Memory
		gpus         []fit.GPU
	}{
		{"none", nil, nil, probed.CPU, probed.GPUs},
		{"--memory", u64(16 << 30), nil, fit.Memory{Available: u64(16 << 30), Total: nil, Source: "--memory"}, probed.GPUs},
		{"--vram", nil, u64(8 << 30), probed.CPU, []fit.GPU{{Name: "--vram", Vendor: "", Total: nil, Free: 8 << 30, Source: "--vram"}}},
		{"both", u64(1 << 30), u64(2 << 30), fit.Memory{Available: u64(1 << 30), Source: "--memory"},
			[]fit.GPU{{Name: "--vram", Free: 2 << 30, Source: "--vram"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Override(probed, tc.memory, tc.vram)
			if !reflect.DeepEqual(got.CPU, tc.cpu) || !reflect.DeepEqual(got.GPUs, tc.gpus) || got.OS != "linux" || got.Arch != "amd64" {
				t.Errorf("got %s\nwant cpu %+v gpus %+v", show(got), tc.cpu, tc.gpus)
			}
			if !reflect.DeepEqual(probed, keep) {
				t.Error("Override modified its argument")
			}
		})
	}
	n := uint64(5)
	got := Override(probed, &n, nil)
	n = 6
	if *got.CPU.Available != 5 {
		t.Error("Override keeps a pointer to the caller's value")
	}
	// The override's JSON shape (FIT_POLICY.md section 4: "total": null).
	data, err := json.Marshal(Override(probed, u64(1<<30), u64(2<<30)))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"cpu":{"available":1073741824,"total":null,"source":"--memory"},"gpus":[{"name":"--vram","total":null,"free":2147483648,"source":"--vram"}]}`
	if string(data) != want {
		t.Errorf("JSON = %s\nwant   %s", data, want)
	}
}
