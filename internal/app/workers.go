package app

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

// maxCatalogBytes bounds a user catalog file: it is a handful of workers.
const maxCatalogBytes = 1 << 20

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

func readCatalog(path string) (compat.Catalog, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return compat.Catalog{}, fmt.Errorf("worker catalog %s: no such file", path)
		}
		return compat.Catalog{}, fmt.Errorf("worker catalog %s: %v", path, errors.Unwrap(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxCatalogBytes+1))
	if err != nil {
		return compat.Catalog{}, fmt.Errorf("worker catalog %s: %v", path, err)
	}
	if len(data) > maxCatalogBytes {
		return compat.Catalog{}, fmt.Errorf("worker catalog %s: larger than %d bytes", path, maxCatalogBytes)
	}
	return compat.ParseCatalog(path, data)
}

func configDir(env Env) string {
	if d := env.Getenv("XDG_CONFIG_HOME"); d != "" {
		return d
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
		if d, err := os.UserConfigDir(); err == nil {
			return d
		}
	}
	return filepath.Join(env.Getenv("HOME"), ".config")
}
