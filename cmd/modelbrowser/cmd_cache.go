package main

import (
	"fmt"
	"time"

	"github.com/modelbrowser/modelbrowser/internal/app"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

func runCache(e env, args []string) error {
	fs := newFlagSet("cache")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"cache: want one of: info, clear, prune"}
	}
	if pos[0] != "info" && pos[0] != "clear" && pos[0] != "prune" {
		return usageError{fmt.Sprintf("cache: unknown subcommand %q (want info, clear or prune)", pos[0])}
	}
	warn := func(msg string) { e.note("warning: " + msg) }
	if pos[0] == "info" {
		info, err := app.CacheStat(e.app(), warn)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "path:     %s\n", text.Sanitize(info.Path))
		if info.MemoryOnly {
			fmt.Fprintln(e.stdout, "state:    not usable for writing (a run keeps new answers in memory)")
		}
		fmt.Fprintf(e.stdout, "entries:  %d\n", info.Entries)
		fmt.Fprintf(e.stdout, "size:     %s\n", text.Bytes(info.Bytes))
		if info.Entries > 0 {
			now := time.Now()
			fmt.Fprintf(e.stdout, "oldest:   %s (%s)\n", info.Oldest.Format(time.RFC3339), text.Ago(now, info.Oldest))
			fmt.Fprintf(e.stdout, "newest:   %s (%s)\n", info.Newest.Format(time.RFC3339), text.Ago(now, info.Newest))
		}
		return nil
	}
	st, err := app.OpenCache(e.app(), warn)
	if err != nil {
		return err
	}
	switch pos[0] {
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
			res.Removed, text.Bytes(res.RemovedBytes), res.TempRemoved, res.Entries, text.Bytes(res.Bytes))
	}
	return nil
}
