package main

import (
	"context"
	"fmt"

	"github.com/modelbrowser/modelbrowser/internal/app"
	"github.com/modelbrowser/modelbrowser/internal/report"
)

func runWorkers(ctx context.Context, e env, args []string) error {
	fs := newFlagSet("workers")
	asJSON := fs.Bool("json", false, "print JSON")
	file := fs.String("workers", "", "worker catalog file (TOML or JSON)")
	var fitf fitFlags
	fitf.register(fs)
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{fmt.Sprintf("workers: unexpected argument %q", pos[0])}
	}
	over, err := fitf.overrides()
	if err != nil {
		return err
	}
	c, err := app.LoadCatalog(e.app(), *file)
	if err != nil {
		return err
	}
	mach := app.DetectMachine(ctx, e.app(), over)
	c.Machine = mach.Compat
	if *asJSON {
		return report.WorkersJSON(e.stdout, c, mach.Fit)
	}
	report.Workers(e.stdout, c, mach.Fit)
	return nil
}
