package machine

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/modelbrowser/modelbrowser/internal/fit"
)

func readFile(name string) ([]byte, error) {
	return os.ReadFile(filepath.Join("testdata", name))
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	data, err := readFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func u64(v uint64) *uint64 { return &v }

func TestParseMeminfo(t *testing.T) {
	for _, tc := range []struct {
		name         string
		in           string // testdata file, or literal text when it has a colon
		avail, total *uint64
		err          string
	}{
		{"linux 6.8", "meminfo-linux-6.8.txt", u64(19923044 * 1024), u64(32622592 * 1024), ""},
		{"no MemAvailable", "meminfo-linux-3.10-no-available.txt", nil, u64(8061128 * 1024), ""},
		{"empty", "empty.txt", nil, nil, "no MemTotal"},
		{"garbage", "nvidia-smi-one.txt", nil, nil, "no MemTotal"},
		{"MemTotal in MB", "MemTotal: 1024 MB\n", nil, nil, "want a number of kB"},
		{"MemTotal not a number", "MemTotal: lots kB\n", nil, nil, "want a number of kB"},
		{"MemTotal overflows", "MemTotal: 18446744073709551615 kB\n", nil, nil, "want a number of kB"},
		{"only MemTotal", "MemTotal:  1 kB\n", nil, u64(1024), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := []byte(tc.in)
			if !strings.Contains(tc.in, ":") {
				in = readTestdata(t, tc.in)
			}
			avail, total, err := ParseMeminfo(in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(avail, tc.avail) || !reflect.DeepEqual(total, tc.total) {
				t.Errorf("got %v/%v, want %v/%v", deref(avail), deref(total), deref(tc.avail), deref(tc.total))
			}
		})
	}
	avail, total, err := ParseMeminfo(readTestdata(t, "meminfo-this-machine.txt"))
	if err != nil || avail == nil || total == nil || *avail > *total || *total < 1<<20 {
		t.Errorf("this machine's meminfo: %v/%v, %v", deref(avail), deref(total), err)
	}
}

func deref(p *uint64) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestParseNvidiaSMI(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    string
		gpus  []fit.GPU
		notes int
		err   bool
	}{
		{"one", "nvidia-smi-one.txt", []fit.GPU{{Name: "NVIDIA GeForce RTX 4090", Vendor: "nvidia", Total: u64(24564 << 20), Free: 23817 << 20, Source: "nvidia-smi"}}, 0, false},
		{"two", "nvidia-smi-two.txt", []fit.GPU{
			{Name: "NVIDIA A100-SXM4-80GB", Vendor: "nvidia", Total: u64(81920 << 20), Free: 81037 << 20, Source: "nvidia-smi"},
			{Name: "NVIDIA A100-SXM4-80GB", Vendor: "nvidia", Total: u64(81920 << 20), Free: 3921 << 20, Source: "nvidia-smi"},
		}, 0, false},
		{"[N/A] fields", "nvidia-smi-na.txt", []fit.GPU{{Name: "Tesla K80", Vendor: "nvidia", Total: nil, Free: 11441 << 20, Source: "nvidia-smi"}}, 1, false},
		{"driver failure text", "nvidia-smi-failed.txt", nil, 0, true},
		{"garbage", "rocm-smi-garbage.txt", nil, 0, true},
		{"empty", "empty.txt", nil, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gpus, notes, err := ParseNvidiaSMI(readTestdata(t, tc.in))
			if (err != nil) != tc.err {
				t.Fatalf("err = %v, want error %v", err, tc.err)
			}
			if !reflect.DeepEqual(gpus, tc.gpus) {
				t.Errorf("gpus = %+v\nwant   %+v", gpus, tc.gpus)
			}
			if len(notes) != tc.notes {
				t.Errorf("notes = %q, want %d", notes, tc.notes)
			}
		})
	}
	// A name with a comma, and control characters in a name.
	gpus, _, err := ParseNvidiaSMI([]byte("Quadro RTX 8000, Rev. A\x1b[31m, 48601, 100\r\n"))
	if err != nil || len(gpus) != 1 || gpus[0].Name != "Quadro RTX 8000, Rev. A[31m" || gpus[0].Free != 100<<20 {
		t.Errorf("got %+v, %v", gpus, err)
	}
	for _, bad := range []string{"GPU, 12, x\n", "GPU, -1, 5\n", ", 1, 1\n", "GPU 12 13\n", "GPU, 99999999999999999999, 1\n"} {
		if _, _, err := ParseNvidiaSMI([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestParseRocmSMI(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		gpus []fit.GPU
		err  string
	}{
		{"one", "rocm-smi-one.json", []fit.GPU{{Name: "AMD card0", Vendor: "amd", Total: u64(25753026560), Free: 25753026560 - 1094582272, Source: "rocm-smi"}}, ""},
		{"two, unordered, one full", "rocm-smi-two.json", []fit.GPU{
			{Name: "AMD card0", Vendor: "amd", Total: u64(68702699520), Free: 0, Source: "rocm-smi"},
			{Name: "AMD card1", Vendor: "amd", Total: u64(17163091968), Free: 17163091968 - 12877824, Source: "rocm-smi"},
		}, ""},
		{"garbage", "rocm-smi-garbage.txt", nil, "not the expected JSON"},
		{"empty", "empty.txt", nil, "not the expected JSON"},
		{"no card", `{"system": {"Driver version": "6.8.5"}}`, nil, "no card"},
		{"missing used", `{"card0": {"VRAM Total Memory (B)": "100"}}`, nil, "VRAM Total Used Memory"},
		{"N/A", `{"card0": {"VRAM Total Memory (B)": "N/A", "VRAM Total Used Memory (B)": "1"}}`, nil, "want a number of bytes"},
		{"used over total", `{"card0": {"VRAM Total Memory (B)": "1", "VRAM Total Used Memory (B)": "2"}}`, nil, "uses 2 of 1"},
		{"numbers, not strings", `{"card0": {"VRAM Total Memory (B)": 1000, "VRAM Total Used Memory (B)": 10}}`, []fit.GPU{{Name: "AMD card0", Vendor: "amd", Total: u64(1000), Free: 990, Source: "rocm-smi"}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := []byte(tc.in)
			if !strings.HasPrefix(tc.in, "{") {
				in = readTestdata(t, tc.in)
			}
			gpus, err := ParseRocmSMI(in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(gpus, tc.gpus) {
				t.Errorf("gpus = %+v\nwant   %+v", gpus, tc.gpus)
			}
		})
	}
}

func TestParseVMStat(t *testing.T) {
	got, err := ParseVMStat(readTestdata(t, "vm_stat-m2.txt"))
	if want := uint64(13542+327612+5212) * 16384; err != nil || got != want {
		t.Errorf("got %d, %v; want %d", got, err, want)
	}
	for _, bad := range []string{"", "Pages free: 12.\n", "Mach Virtual Memory Statistics: (page size of 4096 bytes)\nPages free: x.\n",
		"Mach Virtual Memory Statistics: (page size of 4096 bytes)\n"} {
		if _, err := ParseVMStat([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
