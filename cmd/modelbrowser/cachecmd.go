package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/modelbrowser/modelbrowser/internal/cache"
	"github.com/modelbrowser/modelbrowser/internal/ui"
)

// openCache opens the on-disk cache at its configured place. A disk that
// fails degrades the store to memory with one warning on stderr.
func openCache(e env) (*cache.Store, error) {
	return openCacheWarn(e, func(msg string) { printWarning(e, msg) })
}

// openCacheWarn is openCache with the store's warning going to warn.
func openCacheWarn(e env, warn func(string)) (*cache.Store, error) {
	dir, err := cache.Dir(e.getenv)
	if err != nil {
		return nil, err
	}
	maxBytes, err := cacheMaxBytes(e)
	if err != nil {
		return nil, err
	}
	return cache.Open(dir, cache.Options{MaxBytes: maxBytes, Warn: warn})
}

func printWarning(e env, msg string) {
	fmt.Fprintf(e.stderr, "modelbrowser: warning: %s\n", oneLine(msg))
}

// cacheMaxBytes reads MODELBROWSER_CACHE_MAX_MB (default 200).
func cacheMaxBytes(e env) (int64, error) {
	v := e.getenv("MODELBROWSER_CACHE_MAX_MB")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 || n > 1<<20 {
		return 0, fmt.Errorf("MODELBROWSER_CACHE_MAX_MB must be a whole number of megabytes from 1 to 1048576, got %q", v)
	}
	return n << 20, nil
}

func runCache(e env, args []string) error {
	fs := newFlagSet("cache")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"cache: want one of: info, clear, prune"}
	}
	st, err := openCache(e)
	if err != nil {
		return err
	}
	switch pos[0] {
	case "info":
		info, err := st.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "path:     %s\n", info.Path)
		if info.MemoryOnly {
			fmt.Fprintln(e.stdout, "state:    unusable on disk (memory only this run)")
		}
		fmt.Fprintf(e.stdout, "entries:  %d\n", info.Entries)
		fmt.Fprintf(e.stdout, "size:     %s\n", humanBytes(info.Bytes))
		if info.Entries > 0 {
			now := time.Now()
			fmt.Fprintf(e.stdout, "oldest:   %s (%s)\n", info.Oldest.Format(time.RFC3339), ui.Ago(now, info.Oldest))
			fmt.Fprintf(e.stdout, "newest:   %s (%s)\n", info.Newest.Format(time.RFC3339), ui.Ago(now, info.Newest))
		}
	case "clear":
		if err := st.Clear(); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "cleared %s\n", st.Path())
	case "prune":
		res, err := st.Prune()
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "removed %d entries (%s) and %d temporary files; %d entries (%s) remain\n",
			res.Removed, humanBytes(res.RemovedBytes), res.TempRemoved, res.Entries, humanBytes(res.Bytes))
	default:
		return usageError{fmt.Sprintf("cache: unknown subcommand %q (want info, clear or prune)", pos[0])}
	}
	return nil
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
