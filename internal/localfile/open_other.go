//go:build !unix

package localfile

import "os"

// openNonblock opens path for reading; systems without O_NONBLOCK have no
// FIFOs that block an open.
func openNonblock(path string) (*os.File, error) { return os.Open(path) }
