package main

import (
	"fmt"

	"github.com/modelbrowser/modelbrowser/internal/app"
	"github.com/modelbrowser/modelbrowser/internal/report"
)

func runWorkers(e env, args []string) error {
	fs := newFlagSet("workers")
	asJSON := fs.Bool("json", false, "print JSON")
	file := fs.String("workers", "", "worker catalog file (TOML or JSON)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{fmt.Sprintf("workers: unexpected argument %q", pos[0])}
	}
	c, err := app.LoadCatalog(e.app(), *file)
	if err != nil {
		return err
	}
	if *asJSON {
		return report.WorkersJSON(e.stdout, c)
	}
	report.Workers(e.stdout, c)
	return nil
}
