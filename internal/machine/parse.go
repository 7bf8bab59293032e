package machine

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/modelbrowser/modelbrowser/internal/fit"
)

const mib = 1 << 20

// ParseMeminfo reads MemAvailable and MemTotal (in kB, that is KiB) from the
// contents of Linux's /proc/meminfo and returns them in bytes. Available is
// nil when the kernel does not report MemAvailable (before Linux 3.14); a
// missing or malformed MemTotal is an error.
func ParseMeminfo(data []byte) (available, total *uint64, err error) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok || (name != "MemTotal" && name != "MemAvailable") {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) != 2 || fields[1] != "kB" {
			return nil, nil, fmt.Errorf("meminfo: %s is %q, want a number of kB", name, strings.TrimSpace(rest))
		}
		n, err := strconv.ParseUint(fields[0], 10, 64)
		if err != nil || n > math.MaxUint64/1024 {
			return nil, nil, fmt.Errorf("meminfo: %s is %q, want a number of kB", name, strings.TrimSpace(rest))
		}
		n *= 1024
		if name == "MemTotal" {
			total = &n
		} else {
			available = &n
		}
	}
	if total == nil {
		return nil, nil, errors.New("meminfo: no MemTotal line")
	}
	return available, total, nil
}

// ParseNvidiaSMI reads the output of
// `nvidia-smi --query-gpu=name,memory.total,memory.free --format=csv,noheader,nounits`
// (one line per GPU; sizes in MiB). A GPU whose free memory is "[N/A]" (as on
// unified-memory systems) is left out and named in notes; a total of "[N/A]"
// gives a nil Total. Any other line that does not read is an error.
func ParseNvidiaSMI(out []byte) (gpus []fit.GPU, notes []string, err error) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		fields := strings.Split(line, ",")
		if len(fields) < 3 {
			return nil, nil, fmt.Errorf("nvidia-smi: unexpected line %q", clip(line))
		}
		// The name may hold commas; the two sizes are the last fields.
		n := len(fields)
		name := cleanName(strings.Join(fields[:n-2], ","))
		total, okT, errT := mibField(fields[n-2])
		free, okF, errF := mibField(fields[n-1])
		if errT != nil || errF != nil || name == "" {
			return nil, nil, fmt.Errorf("nvidia-smi: unexpected line %q", clip(line))
		}
		if !okF {
			notes = append(notes, fmt.Sprintf("nvidia-smi gives no free memory for %s", name))
			continue
		}
		g := fit.GPU{Name: name, Vendor: "nvidia", Free: free, Source: "nvidia-smi"}
		if okT {
			g.Total = &total
		}
		gpus = append(gpus, g)
	}
	return gpus, notes, nil
}

// mibField reads a size in MiB; ok is false for "[N/A]" and similar.
func mibField(s string) (bytes uint64, ok bool, err error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		return 0, false, nil // [N/A], [Not Supported], [Unknown Error]
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n > math.MaxUint64/mib {
		return 0, false, fmt.Errorf("not a size: %q", s)
	}
	return n * mib, true, nil
}

// ParseRocmSMI reads the output of `rocm-smi --showmeminfo vram --json`: per
// card, "VRAM Total Memory (B)" and "VRAM Total Used Memory (B)" in bytes. Free
// is total - used. Cards are returned in the order of their numbers.
func ParseRocmSMI(out []byte) ([]fit.GPU, error) {
	var cards map[string]map[string]any
	if err := json.Unmarshal(out, &cards); err != nil {
		return nil, fmt.Errorf("rocm-smi: output is not the expected JSON: %v", err)
	}
	type card struct {
		num  int
		name string
		gpu  fit.GPU
	}
	var list []card
	for name, fields := range cards {
		numStr, ok := strings.CutPrefix(name, "card")
		if !ok {
			continue // "system" and other sections
		}
		num, err := strconv.Atoi(numStr)
		if err != nil {
			continue
		}
		total, err := bytesField(fields, "VRAM Total Memory (B)")
		if err != nil {
			return nil, fmt.Errorf("rocm-smi: %s: %v", name, err)
		}
		used, err := bytesField(fields, "VRAM Total Used Memory (B)")
		if err != nil {
			return nil, fmt.Errorf("rocm-smi: %s: %v", name, err)
		}
		if used > total {
			return nil, fmt.Errorf("rocm-smi: %s uses %d of %d bytes", name, used, total)
		}
		list = append(list, card{num, name, fit.GPU{Name: "AMD " + name, Vendor: "amd", Total: &total,
			Free: total - used, Source: "rocm-smi"}})
	}
	if len(list) == 0 {
		return nil, errors.New("rocm-smi: no card in the output")
	}
	sort.Slice(list, func(i, j int) bool { return list[i].num < list[j].num })
	gpus := make([]fit.GPU, len(list))
	for i, c := range list {
		gpus[i] = c.gpu
	}
	return gpus, nil
}

// bytesField reads a byte count that rocm-smi writes as a string (or a number).
func bytesField(fields map[string]any, key string) (uint64, error) {
	v, ok := fields[key]
	if !ok {
		return 0, fmt.Errorf("no %q", key)
	}
	var s string
	switch v := v.(type) {
	case string:
		s = strings.TrimSpace(v)
	case float64:
		s = strconv.FormatFloat(v, 'f', -1, 64)
	default:
		return 0, fmt.Errorf("%q is %v", key, v)
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is %q, want a number of bytes", key, clip(s))
	}
	return n, nil
}

// ParseVMStat reads macOS's `vm_stat` output and returns the memory available
// now: (pages free + inactive + speculative) x the page size it states. This
// leaves out purgeable and compressed memory the system could also reclaim, so
// it errs low.
func ParseVMStat(out []byte) (uint64, error) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	var pageSize uint64
	pages := map[string]uint64{}
	for sc.Scan() {
		line := sc.Text()
		if i := strings.Index(line, "page size of "); i >= 0 {
			f := strings.Fields(line[i+len("page size of "):])
			if len(f) > 0 {
				pageSize, _ = strconv.ParseUint(f[0], 10, 64)
			}
			continue
		}
		name, rest, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch name {
		case "Pages free", "Pages inactive", "Pages speculative":
			n, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), "."), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("vm_stat: %s is %q", name, clip(strings.TrimSpace(rest)))
			}
			pages[name] = n
		}
	}
	if pageSize == 0 || pageSize > 1<<30 {
		return 0, errors.New("vm_stat: no page size")
	}
	if _, ok := pages["Pages free"]; !ok {
		return 0, errors.New("vm_stat: no \"Pages free\" line")
	}
	sum := pages["Pages free"] + pages["Pages inactive"] + pages["Pages speculative"]
	if sum > math.MaxUint64/pageSize {
		return 0, errors.New("vm_stat: page counts overflow")
	}
	return sum * pageSize, nil
}

// cleanName drops control characters and surrounding spaces from a device
// name a tool printed.
func cleanName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// clip shortens s for an error message and drops control characters.
func clip(s string) string {
	s = cleanName(s)
	if r := []rune(s); len(r) > 80 {
		s = string(r[:80]) + "..."
	}
	return s
}
