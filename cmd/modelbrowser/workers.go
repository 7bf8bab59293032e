package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

// workersJSON is the --json shape of `modelbrowser workers`.
type workersJSON struct {
	Source            string          `json:"source"`
	RecommendedDevice string          `json:"recommended_device"`
	Workers           []compat.Worker `json:"workers"`
	Families          []compat.Family `json:"families"`
}

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
	c, err := loadCatalog(e, *file)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(workersJSON{Source: c.Source, RecommendedDevice: c.Machine.Device(), Workers: c.Workers, Families: c.Families})
	}
	fmt.Fprintf(e.stdout, "Worker catalog: %s\n", c.Source)
	fmt.Fprintf(e.stdout, "This machine: %s/%s, preferred device %s\n\n", c.Machine.OS, c.Machine.Arch, c.Machine.Device())
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "WORKER\tDEVICE\tPLATFORMS\tFORMATS\tMAX CONTEXT\tSTREAMING\tBATCHING")
	for _, w := range c.Workers {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\n", w.Name, w.Device, strings.Join(w.Platforms, ", "),
			strings.Join(w.Formats, ", "), w.MaxContext, yesNo(w.Streaming), yesNo(w.Batching))
	}
	tw.Flush()
	fmt.Fprintln(e.stdout, "\nArchitectures per format:")
	for _, w := range c.Workers {
		fmt.Fprintf(e.stdout, "  %s\n", w.Name)
		for _, f := range w.Formats {
			fmt.Fprintf(e.stdout, "    %-12s %s\n", f, strings.Join(w.Architectures[f], ", "))
		}
	}
	fmt.Fprintln(e.stdout, "\nFamilies (base confidence):")
	for _, f := range c.Families {
		fmt.Fprintf(e.stdout, "  %-8s %-6s %s\n", f.Name, f.Confidence, strings.Join(f.Architectures, ", "))
	}
	return nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
