// Package machine finds what this computer offers to run a model: the memory
// available and total (Linux /proc/meminfo, macOS sysctl and vm_stat, Windows
// GlobalMemoryStatusEx), NVIDIA and AMD GPUs (nvidia-smi, rocm-smi) and Apple
// silicon's unified memory, and applies the --memory and --vram overrides.
//
// Parsers are pure and tested on recorded outputs; Probe takes its file reader,
// command runner and platform as dependencies so tests run anywhere.
package machine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"time"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/fit"
)

// DefaultTimeout bounds each command Probe runs.
const DefaultTimeout = 2 * time.Second

// Runner runs a command and returns its standard output. A tool that is not
// installed gives an error wrapping exec.ErrNotFound (or os.ErrNotExist).
type Runner func(ctx context.Context, name string, args ...string) ([]byte, error)

// SystemMemory is memory as the platform's system calls report it. Available
// is nil when the call does not report it.
type SystemMemory struct {
	Available *uint64
	Total     uint64
	Source    string
}

// Deps are what Probe needs from the system; tests replace them.
type Deps struct {
	GOOS, GOARCH string
	// ReadFile reads a file (Linux: /proc/meminfo).
	ReadFile func(name string) ([]byte, error)
	// Run runs nvidia-smi, rocm-smi and vm_stat.
	Run Runner
	// SystemMemory asks the system (macOS: total from sysctl hw.memsize;
	// Windows: GlobalMemoryStatusEx). Nil, or an error, where there is none.
	SystemMemory func() (SystemMemory, error)
	// Timeout bounds each command; DefaultTimeout when zero.
	Timeout time.Duration
}

// DefaultDeps are this computer's: runtime.GOOS/GOARCH, os.ReadFile, commands
// run with os/exec and the platform's system calls.
func DefaultDeps() Deps {
	return Deps{GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, ReadFile: os.ReadFile,
		Run: ExecRunner, SystemMemory: systemMemory, Timeout: DefaultTimeout}
}

// MaxOutput bounds what ExecRunner reads of a tool's standard output. The
// answers Probe asks for are a line per GPU (nvidia-smi) or a small JSON
// object per card (rocm-smi): a few hundred bytes for eight GPUs. A tool
// that writes more is not giving one of those answers.
const MaxOutput = 64 << 10

// maxStderr bounds what ExecRunner keeps of a tool's standard error, of
// which only the first line is used.
const maxStderr = 4 << 10

// errOutputTooLarge stops the copy of a tool's output past MaxOutput.
var errOutputTooLarge = errors.New("output too large")

// capped keeps the first max bytes written to it. Past them it keeps
// nothing more and, when stop is set, fails the write, which closes the
// pipe: the tool gets EPIPE or SIGPIPE instead of running to the timeout.
type capped struct {
	buf  bytes.Buffer
	max  int
	stop bool
	over bool
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - c.buf.Len(); len(p) > room {
		c.buf.Write(p[:max(room, 0)])
		c.over = true
		if c.stop {
			return 0, errOutputTooLarge
		}
		return len(p), nil
	}
	return c.buf.Write(p)
}

// ExecRunner runs a command with os/exec, killing it when ctx ends. Its error
// carries the first line of the command's standard error. It reads at most
// MaxOutput bytes of output: a tool that writes more is stopped and its
// answer is an error, never a truncated reading. A tool that exits
// successfully while something it started still holds its output open (a
// daemon it forked) keeps its answer: WaitDelay after its exit the pipe is
// closed and what it wrote is read.
func ExecRunner(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.WaitDelay = 500 * time.Millisecond
	stdout, stderr := &capped{max: MaxOutput, stop: true}, &capped{max: maxStderr}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err := cmd.Run()
	if stdout.over {
		return nil, fmt.Errorf("output over %d KiB, not read", MaxOutput>>10)
	}
	out := stdout.buf.Bytes()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return out, nil
	case errors.Is(err, exec.ErrWaitDelay):
		// The tool exited with status 0; only a child of it held the pipe.
		return out, nil
	case errors.As(err, &ee):
		if line, _, _ := bytes.Cut(bytes.TrimSpace(stderr.buf.Bytes()), []byte("\n")); len(line) > 0 {
			return out, fmt.Errorf("%w: %s", err, clip(string(line)))
		}
	}
	return out, err
}

// Result is what Probe found.
type Result struct {
	Machine fit.Machine
	// CUDA is true when nvidia-smi answered (ran and its output read); ROCm
	// when rocm-smi did. They fill compat.Machine (see Compat).
	CUDA bool
	ROCm bool
	// Notes explain figures that are missing: a tool that failed or did not
	// answer in time, output that did not read. A tool that is not installed
	// is no note: it means no such GPU.
	Notes []string
}

// Answers tells whether tool ("nvidia-smi" or "rocm-smi") answered, so that a
// Result serves as compat.Prober.
func (r Result) Answers(tool string) bool {
	switch tool {
	case "nvidia-smi":
		return r.CUDA
	case "rocm-smi":
		return r.ROCm
	}
	return false
}

// Compat is the machine as package compat describes it.
func (r Result) Compat() compat.Machine {
	return compat.DetectMachine(r.Machine.OS, r.Machine.Arch, r)
}

// Probe finds this machine's memory and GPUs. It never fails: what it cannot
// find is left nil or out, with a note. Machine.OS is a worker platform name
// ("linux", "macos", "windows"), Machine.Arch is GOARCH.
//
// GPUs are looked for where compat looks for them: nvidia-smi on Linux and
// Windows, rocm-smi on Linux, and on macOS/arm64 one "apple" GPU for the
// unified memory (Total = the system's total, Free = what is available now;
// package fit applies the 75%/66% share).
func Probe(ctx context.Context, d Deps) Result {
	if d.Timeout <= 0 {
		d.Timeout = DefaultTimeout
	}
	r := Result{Machine: fit.Machine{OS: compat.PlatformOf(d.GOOS), Arch: d.GOARCH, GPUs: []fit.GPU{}}}
	r.Machine.CPU = r.cpu(ctx, d)
	switch d.GOOS {
	case "darwin":
		if d.GOARCH == "arm64" && r.Machine.CPU.Total != nil {
			g := fit.GPU{Name: "Apple silicon GPU", Vendor: "apple", Total: r.Machine.CPU.Total,
				Free: *r.Machine.CPU.Total, Source: "unified memory"}
			if a := r.Machine.CPU.Available; a != nil {
				g.Free = *a
			}
			r.Machine.GPUs = append(r.Machine.GPUs, g)
		}
	case "linux":
		r.nvidia(ctx, d)
		r.rocm(ctx, d)
	case "windows":
		r.nvidia(ctx, d)
	}
	return r
}

func (r *Result) note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

func (r *Result) cpu(ctx context.Context, d Deps) fit.Memory {
	switch d.GOOS {
	case "linux", "android":
		const path = "/proc/meminfo"
		if d.ReadFile == nil {
			r.note("cannot read %s", path)
			return fit.Memory{}
		}
		data, err := d.ReadFile(path)
		if err != nil {
			r.note("cannot read %s: %v", path, err)
			return fit.Memory{}
		}
		avail, total, err := ParseMeminfo(data)
		if err != nil {
			r.note("%v", err)
			return fit.Memory{}
		}
		if avail == nil {
			r.note("%s has no MemAvailable (Linux before 3.14): available memory unknown", path)
		}
		return fit.Memory{Available: avail, Total: total, Source: path}
	}
	if d.SystemMemory == nil {
		r.note("no way to read the memory of %s", d.GOOS)
		return fit.Memory{}
	}
	sm, err := d.SystemMemory()
	if err != nil {
		r.note("cannot read the system's memory: %v", err)
		return fit.Memory{}
	}
	m := fit.Memory{Available: sm.Available, Total: &sm.Total, Source: sm.Source}
	if d.GOOS == "darwin" && m.Available == nil {
		out, err := r.run(ctx, d, "vm_stat")
		if err == nil {
			avail, perr := ParseVMStat(out)
			if perr != nil {
				r.note("%v", perr)
			} else {
				m.Available = &avail
				m.Source += ", vm_stat"
			}
		}
	}
	return m
}

// run runs a tool with the timeout. A missing tool returns an error and no
// note; a failing or slow one, an error and a note.
func (r *Result) run(ctx context.Context, d Deps, name string, args ...string) ([]byte, error) {
	if d.Run == nil {
		return nil, exec.ErrNotFound
	}
	ctx, cancel := context.WithTimeout(ctx, d.Timeout)
	defer cancel()
	out, err := d.Run(ctx, name, args...)
	switch {
	case err == nil && ctx.Err() == nil:
		return out, nil
	case errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist):
		return nil, err
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		r.note("%s did not answer within %v", name, d.Timeout)
		return nil, context.DeadlineExceeded
	case ctx.Err() != nil:
		r.note("%s: %v", name, ctx.Err())
		return nil, ctx.Err()
	}
	r.note("%s failed: %s", name, clip(err.Error()))
	return nil, err
}

func (r *Result) nvidia(ctx context.Context, d Deps) {
	out, err := r.run(ctx, d, "nvidia-smi", "--query-gpu=name,memory.total,memory.free", "--format=csv,noheader,nounits")
	if err != nil {
		return
	}
	gpus, notes, err := ParseNvidiaSMI(out)
	if err != nil {
		r.note("%v", err)
		return
	}
	r.CUDA = true
	r.Notes = append(r.Notes, notes...)
	r.Machine.GPUs = append(r.Machine.GPUs, gpus...)
}

func (r *Result) rocm(ctx context.Context, d Deps) {
	out, err := r.run(ctx, d, "rocm-smi", "--showmeminfo", "vram", "--json")
	if err != nil {
		return
	}
	gpus, err := ParseRocmSMI(out)
	if err != nil {
		r.note("%v", err)
		return
	}
	r.ROCm = true
	r.Machine.GPUs = append(r.Machine.GPUs, gpus...)
}
