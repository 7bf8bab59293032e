package machine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/fit"
)

// fakeTool is what a fake runner does for one command.
type fakeTool struct {
	out  string // testdata file or literal output
	err  error
	slow bool // blocks until the context ends
}

func fakeRunner(t *testing.T, tools map[string]fakeTool, calls *[]string) Runner {
	return func(ctx context.Context, name string, args ...string) ([]byte, error) {
		*calls = append(*calls, name+" "+strings.Join(args, " "))
		tool, ok := tools[name]
		if !ok {
			return nil, &exec.Error{Name: name, Err: exec.ErrNotFound}
		}
		if tool.slow {
			<-ctx.Done()
			return nil, errors.New("signal: killed")
		}
		if tool.err != nil {
			return nil, tool.err
		}
		if _, err := os.Stat("testdata/" + tool.out); err == nil {
			return readTestdata(t, tool.out), nil
		}
		return []byte(tool.out), nil
	}
}

func meminfoReader(t *testing.T, file string) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		if name != "/proc/meminfo" {
			return nil, fmt.Errorf("unexpected read of %s", name)
		}
		if file == "" {
			return nil, os.ErrPermission
		}
		return readTestdata(t, file), nil
	}
}

func TestProbe(t *testing.T) {
	memAvail, memTotal := u64(19923044*1024), u64(32622592*1024)
	linuxCPU := fit.Memory{Available: memAvail, Total: memTotal, Source: "/proc/meminfo"}
	rtx := fit.GPU{Name: "NVIDIA GeForce RTX 4090", Vendor: "nvidia", Total: u64(24564 << 20), Free: 23817 << 20, Source: "nvidia-smi"}
	amd := fit.GPU{Name: "AMD card0", Vendor: "amd", Total: u64(25753026560), Free: 25753026560 - 1094582272, Source: "rocm-smi"}
	smi := "nvidia-smi --query-gpu=name,memory.total,memory.free --format=csv,noheader,nounits"
	rsmi := "rocm-smi --showmeminfo vram --json"
	for _, tc := range []struct {
		name       string
		goos, arch string
		meminfo    string
		sys        func() (SystemMemory, error)
		tools      map[string]fakeTool
		want       fit.Machine
		cuda, rocm bool
		notes      []string // substrings, in order
		calls      []string
	}{
		{name: "linux, no GPU tools", goos: "linux", arch: "amd64", meminfo: "meminfo-linux-6.8.txt",
			want:  fit.Machine{OS: "linux", Arch: "amd64", CPU: linuxCPU, GPUs: []fit.GPU{}},
			calls: []string{smi, rsmi}},
		{name: "linux, nvidia", goos: "linux", arch: "amd64", meminfo: "meminfo-linux-6.8.txt",
			tools: map[string]fakeTool{"nvidia-smi": {out: "nvidia-smi-one.txt"}},
			want:  fit.Machine{OS: "linux", Arch: "amd64", CPU: linuxCPU, GPUs: []fit.GPU{rtx}},
			cuda:  true, calls: []string{smi, rsmi}},
		{name: "linux, nvidia and amd", goos: "linux", arch: "amd64", meminfo: "meminfo-linux-6.8.txt",
			tools: map[string]fakeTool{"nvidia-smi": {out: "nvidia-smi-one.txt"}, "rocm-smi": {out: "rocm-smi-one.json"}},
			want:  fit.Machine{OS: "linux", Arch: "amd64", CPU: linuxCPU, GPUs: []fit.GPU{rtx, amd}},
			cuda:  true, rocm: true, calls: []string{smi, rsmi}},
		{name: "linux, nvidia-smi slow", goos: "linux", arch: "amd64", meminfo: "meminfo-linux-6.8.txt",
			tools: map[string]fakeTool{"nvidia-smi": {slow: true}, "rocm-smi": {out: "rocm-smi-one.json"}},
			want:  fit.Machine{OS: "linux", Arch: "amd64", CPU: linuxCPU, GPUs: []fit.GPU{amd}},
			rocm:  true, notes: []string{"nvidia-smi did not answer within 50ms"}, calls: []string{smi, rsmi}},
		{name: "linux, nvidia-smi fails", goos: "linux", arch: "amd64", meminfo: "meminfo-linux-6.8.txt",
			tools: map[string]fakeTool{"nvidia-smi": {err: errors.New("exit status 9: NVIDIA-SMI has failed")}},
			want:  fit.Machine{OS: "linux", Arch: "amd64", CPU: linuxCPU, GPUs: []fit.GPU{}},
			notes: []string{"nvidia-smi failed: exit status 9: NVIDIA-SMI has failed"}, calls: []string{smi, rsmi}},
		{name: "linux, bad outputs", goos: "linux", arch: "amd64", meminfo: "meminfo-linux-6.8.txt",
			tools: map[string]fakeTool{"nvidia-smi": {out: "nvidia-smi-failed.txt"}, "rocm-smi": {out: "rocm-smi-garbage.txt"}},
			want:  fit.Machine{OS: "linux", Arch: "amd64", CPU: linuxCPU, GPUs: []fit.GPU{}},
			notes: []string{"nvidia-smi: unexpected line", "rocm-smi: output is not the expected JSON"}, calls: []string{smi, rsmi}},
		{name: "linux, [N/A] memory", goos: "linux", arch: "arm64", meminfo: "meminfo-linux-6.8.txt",
			tools: map[string]fakeTool{"nvidia-smi": {out: "NVIDIA GB10, [N/A], [N/A]\n"}},
			want:  fit.Machine{OS: "linux", Arch: "arm64", CPU: linuxCPU, GPUs: []fit.GPU{}},
			cuda:  true, notes: []string{"nvidia-smi gives no free memory for NVIDIA GB10"}, calls: []string{smi, rsmi}},
		{name: "linux, meminfo unreadable", goos: "linux", arch: "amd64", meminfo: "",
			want:  fit.Machine{OS: "linux", Arch: "amd64", GPUs: []fit.GPU{}},
			notes: []string{"cannot read /proc/meminfo: permission denied"}, calls: []string{smi, rsmi}},
		{name: "linux, old kernel", goos: "linux", arch: "386", meminfo: "meminfo-linux-3.10-no-available.txt",
			want:  fit.Machine{OS: "linux", Arch: "386", CPU: fit.Memory{Total: u64(8061128 * 1024), Source: "/proc/meminfo"}, GPUs: []fit.GPU{}},
			notes: []string{"no MemAvailable"}, calls: []string{smi, rsmi}},
		{name: "macOS arm64: unified memory", goos: "darwin", arch: "arm64",
			sys:   func() (SystemMemory, error) { return SystemMemory{Total: 16 << 30, Source: "sysctl hw.memsize"}, nil },
			tools: map[string]fakeTool{"vm_stat": {out: "vm_stat-m2.txt"}, "nvidia-smi": {out: "nvidia-smi-one.txt"}},
			want: fit.Machine{OS: "macos", Arch: "arm64",
				CPU:  fit.Memory{Available: u64(346366 * 16384), Total: u64(16 << 30), Source: "sysctl hw.memsize, vm_stat"},
				GPUs: []fit.GPU{{Name: "Apple silicon GPU", Vendor: "apple", Total: u64(16 << 30), Free: 346366 * 16384, Source: "unified memory"}}},
			calls: []string{"vm_stat "}},
		{name: "macOS amd64, vm_stat missing", goos: "darwin", arch: "amd64",
			sys:   func() (SystemMemory, error) { return SystemMemory{Total: 8 << 30, Source: "sysctl hw.memsize"}, nil },
			want:  fit.Machine{OS: "macos", Arch: "amd64", CPU: fit.Memory{Total: u64(8 << 30), Source: "sysctl hw.memsize"}, GPUs: []fit.GPU{}},
			calls: []string{"vm_stat "}},
		{name: "windows, nvidia", goos: "windows", arch: "amd64",
			sys: func() (SystemMemory, error) {
				return SystemMemory{Available: u64(10 << 30), Total: 32 << 30, Source: "GlobalMemoryStatusEx"}, nil
			},
			tools: map[string]fakeTool{"nvidia-smi": {out: "nvidia-smi-one.txt"}, "rocm-smi": {out: "rocm-smi-one.json"}},
			want: fit.Machine{OS: "windows", Arch: "amd64", CPU: fit.Memory{Available: u64(10 << 30), Total: u64(32 << 30), Source: "GlobalMemoryStatusEx"},
				GPUs: []fit.GPU{rtx}},
			cuda: true, calls: []string{smi}},
		{name: "windows, system call fails", goos: "windows", arch: "arm64",
			sys:   func() (SystemMemory, error) { return SystemMemory{}, errors.New("access denied") },
			want:  fit.Machine{OS: "windows", Arch: "arm64", GPUs: []fit.GPU{}},
			notes: []string{"cannot read the system's memory: access denied"}, calls: []string{smi}},
		{name: "freebsd", goos: "freebsd", arch: "amd64",
			want:  fit.Machine{OS: "freebsd", Arch: "amd64", GPUs: []fit.GPU{}},
			notes: []string{"no way to read the memory of freebsd"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls []string
			d := Deps{GOOS: tc.goos, GOARCH: tc.arch, ReadFile: meminfoReader(t, tc.meminfo),
				Run: fakeRunner(t, tc.tools, &calls), SystemMemory: tc.sys, Timeout: 50 * time.Millisecond}
			start := time.Now()
			r := Probe(context.Background(), d)
			if el := time.Since(start); el > 2*time.Second {
				t.Errorf("Probe took %v", el)
			}
			if !reflect.DeepEqual(r.Machine, tc.want) {
				t.Errorf("machine = %s\nwant      %s", show(r.Machine), show(tc.want))
			}
			if r.CUDA != tc.cuda || r.ROCm != tc.rocm {
				t.Errorf("CUDA, ROCm = %v, %v; want %v, %v", r.CUDA, r.ROCm, tc.cuda, tc.rocm)
			}
			if len(r.Notes) != len(tc.notes) {
				t.Fatalf("notes = %q, want %q", r.Notes, tc.notes)
			}
			for i, n := range tc.notes {
				if !strings.Contains(r.Notes[i], n) {
					t.Errorf("note %d = %q, want it to contain %q", i, r.Notes[i], n)
				}
			}
			if !reflect.DeepEqual(calls, tc.calls) {
				t.Errorf("calls = %q, want %q", calls, tc.calls)
			}
		})
	}
}

func show(m fit.Machine) string {
	s := fmt.Sprintf("{%s %s cpu{%v %v %q} [", m.OS, m.Arch, deref(m.CPU.Available), deref(m.CPU.Total), m.CPU.Source)
	for _, g := range m.GPUs {
		s += fmt.Sprintf("{%q %q %v %d %q}", g.Name, g.Vendor, deref(g.Total), g.Free, g.Source)
	}
	return s + "]}"
}

func TestProbeCompat(t *testing.T) {
	tools := map[string]fakeTool{"nvidia-smi": {out: "nvidia-smi-two.txt"}, "rocm-smi": {out: "rocm-smi-two.json"}}
	var calls []string
	r := Probe(context.Background(), Deps{GOOS: "linux", GOARCH: "amd64", ReadFile: meminfoReader(t, "meminfo-linux-6.8.txt"),
		Run: fakeRunner(t, tools, &calls)})
	want := compat.Machine{OS: "linux", Arch: "amd64", CUDA: true, ROCm: true}
	if got := r.Compat(); got != want {
		t.Errorf("Compat() = %+v, want %+v", got, want)
	}
	if got := r.Compat().Device(); got != "cuda" {
		t.Errorf("device %q, want cuda", got)
	}
	if len(r.Machine.GPUs) != 4 {
		t.Errorf("%d GPUs, want 4", len(r.Machine.GPUs))
	}
	mac := Result{Machine: fit.Machine{OS: "macos", Arch: "arm64"}}
	if got := mac.Compat().Device(); got != "metal" {
		t.Errorf("mac device %q, want metal", got)
	}
}

func TestProbeCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var calls []string
	r := Probe(ctx, Deps{GOOS: "linux", GOARCH: "amd64", ReadFile: meminfoReader(t, "meminfo-linux-6.8.txt"),
		Run: fakeRunner(t, map[string]fakeTool{"nvidia-smi": {slow: true}, "rocm-smi": {slow: true}}, &calls)})
	if r.CUDA || r.ROCm || len(r.Machine.GPUs) != 0 || len(r.Notes) != 2 {
		t.Errorf("cancelled probe: %+v", r)
	}
}

func TestExecRunner(t *testing.T) {
	ctx := context.Background()
	if _, err := ExecRunner(ctx, "modelbrowser-no-such-tool-xyz"); !errors.Is(err, exec.ErrNotFound) {
		t.Errorf("missing tool: err = %v, want exec.ErrNotFound", err)
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	out, err := ExecRunner(ctx, sh, "-c", "echo hello")
	if err != nil || string(out) != "hello\n" {
		t.Errorf("echo: %q, %v", out, err)
	}
	if _, err := ExecRunner(ctx, sh, "-c", "echo 'driver not loaded' >&2; exit 9"); err == nil || !strings.Contains(err.Error(), "driver not loaded") {
		t.Errorf("failing tool: err = %v, want its stderr", err)
	}
	// A slow tool is killed at the timeout: Probe notes it and goes on.
	var calls []string
	slow := func(ctx context.Context, name string, args ...string) ([]byte, error) {
		calls = append(calls, name)
		return ExecRunner(ctx, sh, "-c", "sleep 5")
	}
	start := time.Now()
	r := Probe(ctx, Deps{GOOS: "windows", GOARCH: "amd64", Run: slow, Timeout: 100 * time.Millisecond,
		SystemMemory: func() (SystemMemory, error) { return SystemMemory{Total: 1}, nil }})
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("slow tool took %v", el)
	}
	if len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "did not answer within 100ms") {
		t.Errorf("notes = %q", r.Notes)
	}
}

func TestDefaultProbeHere(t *testing.T) {
	r := Probe(context.Background(), DefaultDeps())
	if r.Machine.CPU.Total == nil || *r.Machine.CPU.Total == 0 {
		t.Errorf("this machine has no total memory: %+v, notes %q", r.Machine.CPU, r.Notes)
	}
	if r.Machine.GPUs == nil {
		t.Error("GPUs is nil, want an empty list at least")
	}
}
