package hf

import (
	"errors"

	"github.com/modelbrowser/modelbrowser/internal/localfile"
)

// MaxTokenFileBytes caps a token file: a token is a few dozen bytes, and
// HF_TOKEN_PATH=/dev/zero must not read until memory runs out.
const MaxTokenFileBytes = 4 << 10

// ReadTokenFile reads a token file for ConfigFromEnv: it follows symlinks
// (mounted secrets are symlinks) but opens without blocking, so a FIFO or
// a device in its place is refused at once rather than waited on, and it
// refuses anything but a regular file of at most MaxTokenFileBytes.
func ReadTokenFile(path string) ([]byte, error) {
	b, err := localfile.ReadRegular(path, MaxTokenFileBytes)
	if errors.Is(err, localfile.ErrTooLarge) {
		return nil, errTokenFileTooLarge
	}
	return b, err
}

var errTokenFileTooLarge = errors.New("larger than 4 KiB, not a token file")
