package report

import (
	"fmt"
	"io"
	"time"

	"github.com/modelbrowser/modelbrowser/internal/cache"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// CacheInfo prints `cache info`: where the cache is, whether it can be
// written, its entries, size and age at now.
func CacheInfo(w io.Writer, info cache.Info, now time.Time) {
	fmt.Fprintf(w, "path:     %s\n", text.Sanitize(info.Path))
	if info.MemoryOnly {
		fmt.Fprintln(w, "state:    not usable for writing (a run keeps new answers in memory)")
	}
	fmt.Fprintf(w, "entries:  %d\n", info.Entries)
	fmt.Fprintf(w, "size:     %s\n", text.Bytes(info.Bytes))
	if info.Entries > 0 {
		fmt.Fprintf(w, "oldest:   %s (%s)\n", info.Oldest.Format(time.RFC3339), text.Ago(now, info.Oldest))
		fmt.Fprintf(w, "newest:   %s (%s)\n", info.Newest.Format(time.RFC3339), text.Ago(now, info.Newest))
	}
}

// CachePruned prints what `cache prune` did.
func CachePruned(w io.Writer, res cache.PruneResult) {
	fmt.Fprintf(w, "removed %d entries (%s) and %d temporary files; %d entries (%s) remain\n",
		res.Removed, text.Bytes(res.RemovedBytes), res.TempRemoved, res.Entries, text.Bytes(res.Bytes))
}

// CacheCleared says which cache was cleared.
func CacheCleared(w io.Writer, path string) {
	fmt.Fprintf(w, "cleared %s\n", text.Sanitize(path))
}
