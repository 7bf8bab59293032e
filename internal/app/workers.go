package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/localfile"
)

// LoadCatalog returns the worker catalog in force: file, else
// $XDG_CONFIG_HOME/modelbrowser/workers.{toml,json} when present, else the
// built-in default. Its Machine is set by the caller (see DetectMachine).
func LoadCatalog(env Env, file string) (compat.Catalog, error) {
	var c compat.Catalog
	switch {
	case file != "":
		var err error
		if c, err = readCatalog(file); err != nil {
			return c, err
		}
	default:
		found := false
		for _, name := range []string{"workers.toml", "workers.json"} {
			p := filepath.Join(configDir(env), "modelbrowser", name)
			if _, err := os.Stat(p); err == nil {
				if c, err = readCatalog(p); err != nil {
					return c, err
				}
				found = true
				break
			}
		}
		if !found {
			c = compat.DefaultCatalog()
		}
	}
	return c, nil
}

// readCatalog reads a catalog file: a FIFO or a device in its place is
// refused at once, and so is a file over compat.MaxCatalogBytes.
func readCatalog(path string) (compat.Catalog, error) {
	data, err := localfile.ReadRegular(path, compat.MaxCatalogBytes)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return compat.Catalog{}, fmt.Errorf("worker catalog %s: no such file", path)
	case errors.Is(err, localfile.ErrTooLarge):
		return compat.Catalog{}, fmt.Errorf("worker catalog %s: larger than %d bytes", path, compat.MaxCatalogBytes)
	case err != nil:
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return compat.Catalog{}, fmt.Errorf("worker catalog %s: %v", path, err)
	}
	return compat.ParseCatalog(path, data)
}

func configDir(env Env) string {
	if d := env.getenv("XDG_CONFIG_HOME"); d != "" {
		return d
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
		if d, err := os.UserConfigDir(); err == nil {
			return d
		}
	}
	return filepath.Join(env.getenv("HOME"), ".config")
}
