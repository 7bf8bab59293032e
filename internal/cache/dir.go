package cache

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// EnvCacheDir names the environment variable that overrides the cache
// directory.
const EnvCacheDir = "MODELBROWSER_CACHE_DIR"

// Dir returns the cache directory: $MODELBROWSER_CACHE_DIR if set, else
// the user cache directory (as os.UserCacheDir computes it, so
// $XDG_CACHE_HOME is honoured on Linux) plus "modelbrowser". getenv is
// os.Getenv when nil; tests pass their own. The result is absolute and
// cleaned; the directory is not created.
//
// Dir refuses a directory that is, or is inside, a huggingface_hub cache
// ($HF_HUB_CACHE, $HF_HOME/hub, and the default HF_HOME's hub,
// $XDG_CACHE_HOME/huggingface/hub or ~/.cache/huggingface/hub): that layout
// belongs to huggingface_hub, and its tools must never meet files of ours
// there. Symbolic links are resolved for the comparison.
func Dir(getenv func(string) string) (string, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	dir := getenv(EnvCacheDir)
	if dir != "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return "", fmt.Errorf("cache: %s=%q: %w", EnvCacheDir, dir, err)
		}
		dir = abs
	} else {
		base, err := userCacheDir(getenv)
		if err != nil {
			return "", fmt.Errorf("cache: no cache directory (set %s): %w", EnvCacheDir, err)
		}
		dir = filepath.Join(base, "modelbrowser")
	}
	for _, hub := range hubCacheDirs(getenv) {
		if within(dir, hub) {
			return "", fmt.Errorf("cache: refusing %s: it is inside the huggingface_hub cache %s, which only huggingface_hub may write; choose another directory with %s", dir, hub, EnvCacheDir)
		}
	}
	return dir, nil
}

// userCacheDir is os.UserCacheDir reading the environment through getenv.
func userCacheDir(getenv func(string) string) (string, error) {
	switch runtime.GOOS {
	case "windows":
		if dir := getenv("LocalAppData"); dir != "" {
			return dir, nil
		}
		return "", errors.New("%LocalAppData% is not defined")
	case "darwin", "ios":
		if home := getenv("HOME"); home != "" {
			return filepath.Join(home, "Library", "Caches"), nil
		}
		return "", errors.New("$HOME is not defined")
	case "plan9":
		if home := getenv("home"); home != "" {
			return filepath.Join(home, "lib", "cache"), nil
		}
		return "", errors.New("$home is not defined")
	}
	if dir := getenv("XDG_CACHE_HOME"); dir != "" {
		if !filepath.IsAbs(dir) {
			return "", errors.New("path in $XDG_CACHE_HOME is relative")
		}
		return filepath.Clean(dir), nil
	}
	if home := getenv("HOME"); home != "" {
		return filepath.Join(home, ".cache"), nil
	}
	return "", errors.New("neither $XDG_CACHE_HOME nor $HOME are defined")
}

// hubCacheDirs lists the directories huggingface_hub may use as its hub
// cache, as it resolves them (huggingface_hub/constants.py): HF_HUB_CACHE
// (or its old name HUGGINGFACE_HUB_CACHE), $HF_HOME/hub, and the default
// $XDG_CACHE_HOME/huggingface/hub or ~/.cache/huggingface/hub. The default
// stays refused when the variables move the hub cache elsewhere, since
// another shell, user session or tool may still use it.
func hubCacheDirs(getenv func(string) string) []string {
	var dirs []string
	for _, name := range []string{"HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"} {
		if dir := expandHome(getenv(name), getenv); dir != "" {
			dirs = append(dirs, dir)
		}
	}
	if home := expandHome(getenv("HF_HOME"), getenv); home != "" {
		dirs = append(dirs, filepath.Join(home, "hub"))
	}
	base := expandHome(getenv("XDG_CACHE_HOME"), getenv)
	if base == "" {
		base = expandHome("~/.cache", getenv)
	}
	if base != "" {
		dirs = append(dirs, filepath.Join(base, "huggingface", "hub"))
	}
	return dirs
}

// expandHome expands a leading "~" as Python's os.path.expanduser does and
// makes the path absolute; "" stays "" (also when HOME is unknown).
func expandHome(p string, getenv func(string) string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		home := getenv("HOME")
		if home == "" {
			return ""
		}
		p = home + p[1:]
	}
	if p == "" {
		return ""
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return ""
	}
	return abs
}

// within reports whether dir is root or below it, comparing the paths as
// written and, where they exist, with symbolic links resolved.
func within(dir, root string) bool {
	if isSubpath(filepath.Clean(dir), filepath.Clean(root)) {
		return true
	}
	return isSubpath(resolve(dir), resolve(root))
}

func isSubpath(dir, root string) bool {
	rel, err := filepath.Rel(root, dir)
	if err != nil {
		return false
	}
	return rel == "." || (rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)))
}

// resolve evaluates the symbolic links of the longest existing prefix of p
// and appends the rest unchanged.
func resolve(p string) string {
	p = filepath.Clean(p)
	rest := ""
	for {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Join(real, rest)
		}
		parent := filepath.Dir(p)
		if parent == p {
			return filepath.Join(p, rest)
		}
		rest = filepath.Join(filepath.Base(p), rest)
		p = parent
	}
}
