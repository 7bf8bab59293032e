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

func TestParseSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want uint64
		err  bool
	}{
		{"16GiB", 16 << 30, false},
		{"8G", 8 << 30, false},
		{"8GB", 8 << 30, false},
		{"12000MiB", 12000 << 20, false},
		{"7.5G", 7.5 * (1 << 30), false},
		{"512K", 512 << 10, false},
		{"1T", 1 << 40, false},
		{"2g", 2 << 30, false},
		{" 4GiB ", 4 << 30, false},
		{"16", 0, true},
		{"16B", 0, true},
		{"16iB", 0, true},
		{"", 0, true},
		{"G", 0, true},
		{"GiB", 0, true},
		{"-1G", 0, true},
		{"1e3G", 0, true},
		{"16 GiB", 0, true},
		{"16GiBB", 0, true},
		{"16P", 0, true},
		{"NaNG", 0, true},
		{"99999999999T", 0, true},
	} {
		got, err := ParseSize(tc.in)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d, error %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}
