//go:build unix

package cache

import (
	"os"
	"syscall"
)

// openEntry opens an entry file for reading without following a symlink
// and without blocking: a FIFO put in an entry's place opens at once (and
// is then refused as not a regular file) instead of waiting for a writer
// that never comes. O_NONBLOCK changes nothing for a regular file's reads.
func openEntry(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
}
