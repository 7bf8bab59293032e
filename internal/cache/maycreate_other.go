//go:build !unix

package cache

import "os"

// mayCreateIn learns whether files can be created in dir by making one.
func mayCreateIn(dir string) error {
	f, err := os.CreateTemp(dir, tempPrefix+"probe-*")
	if err != nil {
		return err
	}
	err = f.Close()
	if rmErr := os.Remove(f.Name()); err == nil {
		err = rmErr
	}
	return err
}
