package hf

import (
	"errors"
	"fmt"
	"io"
)

// MaxTokenFileBytes caps a token file: a token is a few dozen bytes, and
// HF_TOKEN_PATH=/dev/zero must not read until memory runs out.
const MaxTokenFileBytes = 4 << 10

// ReadTokenFile reads a token file for ConfigFromEnv: it follows symlinks
// (mounted secrets are symlinks) but opens without blocking, so a FIFO or
// a device in its place is refused at once rather than waited on, and it
// refuses anything but a regular file of at most MaxTokenFileBytes.
func ReadTokenFile(path string) ([]byte, error) {
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
	b, err := io.ReadAll(io.LimitReader(f, MaxTokenFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxTokenFileBytes {
		return nil, errTokenFileTooLarge
	}
	return b, nil
}

var errTokenFileTooLarge = errors.New("larger than 4 KiB, not a token file")
