//go:build darwin

package machine

import "golang.org/x/sys/unix"

// systemMemory reads the total from sysctl hw.memsize; the available memory
// comes from vm_stat (see ParseVMStat), which has no system call in Go
// without cgo.
func systemMemory() (SystemMemory, error) {
	total, err := unix.SysctlUint64("hw.memsize")
	if err != nil {
		return SystemMemory{}, err
	}
	return SystemMemory{Total: total, Source: "sysctl hw.memsize"}, nil
}
