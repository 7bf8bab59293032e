// Package localfile reads the small local files modelbrowser trusts the
// user for (the token file, a worker catalog) without trusting what sits at
// their path: a FIFO or a device there is refused at once instead of waited
// on or read without end.
package localfile

import (
	"errors"
	"fmt"
	"io"
)

// ErrTooLarge is returned for a file over the caller's limit.
var ErrTooLarge = errors.New("file too large")

// ReadRegular reads path, following symlinks (mounted secrets are
// symlinks), opened without blocking so that a FIFO with no writer does not
// hang the open, and refuses anything but a regular file of at most max
// bytes.
func ReadRegular(path string, max int64) ([]byte, error) {
	f, err := openNonblock(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, max)
	}
	return b, nil
}
