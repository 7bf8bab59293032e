//go:build !darwin && !windows

package machine

import "errors"

// systemMemory has no system call here: Linux reads /proc/meminfo instead.
func systemMemory() (SystemMemory, error) {
	return SystemMemory{}, errors.New("not supported on this platform")
}
