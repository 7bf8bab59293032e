//go:build windows

package machine

import (
	"unsafe"

	"golang.org/x/sys/windows"
)

// memoryStatusEx is MEMORYSTATUSEX.
type memoryStatusEx struct {
	Length               uint32
	MemoryLoad           uint32
	TotalPhys            uint64
	AvailPhys            uint64
	TotalPageFile        uint64
	AvailPageFile        uint64
	TotalVirtual         uint64
	AvailVirtual         uint64
	AvailExtendedVirtual uint64
}

var procGlobalMemoryStatusEx = windows.NewLazySystemDLL("kernel32.dll").NewProc("GlobalMemoryStatusEx")

// systemMemory asks GlobalMemoryStatusEx: AvailPhys is the physical memory
// available now (free plus standby), TotalPhys the total.
func systemMemory() (SystemMemory, error) {
	var m memoryStatusEx
	m.Length = uint32(unsafe.Sizeof(m))
	ok, _, err := procGlobalMemoryStatusEx.Call(uintptr(unsafe.Pointer(&m)))
	if ok == 0 {
		return SystemMemory{}, err
	}
	avail := m.AvailPhys
	return SystemMemory{Available: &avail, Total: m.TotalPhys, Source: "GlobalMemoryStatusEx"}, nil
}
