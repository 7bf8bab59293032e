//go:build unix

package cache

import (
	"io/fs"

	"golang.org/x/sys/unix"
)

// mayCreateIn asks the system whether a process like this one may create
// files in dir (permission bits, a read-only mount), without making one.
func mayCreateIn(dir string) error {
	if err := unix.Access(dir, unix.W_OK|unix.X_OK); err != nil {
		return &fs.PathError{Op: "access", Path: dir, Err: err}
	}
	return nil
}
