//go:build !unix

package cache

import "os"

// openEntry opens an entry file for reading; systems without unix FIFOs
// need no non-blocking open.
func openEntry(path string) (*os.File, error) { return os.Open(path) }
