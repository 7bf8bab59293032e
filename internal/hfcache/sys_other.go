//go:build !unix

package hfcache

import (
	"context"
	"errors"
	"os"
)

// NewFileMode is the mode of a new file here.
func NewFileMode() os.FileMode { return 0o666 }

// FreeSpace is unknown on this system.
func FreeSpace(path string) (uint64, error) { return 0, errors.ErrUnsupported }

// Lock is a held lock file.
type Lock struct{}

// Unlock releases the lock.
func (l *Lock) Unlock() {}

// Acquire takes no lock on this system: ErrLocksRefused.
func Acquire(ctx context.Context, path string, waiting func()) (*Lock, error) {
	return nil, ErrLocksRefused
}

// ErrLocksRefused says the filesystem takes no locks.
var ErrLocksRefused = errors.New("file locks are not supported here")
