package report

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// LocalRow is one variant (or unfinished download) in the Hugging Face
// cache, judged from the local files only.
type LocalRow struct {
	Repo    string `json:"repo"`
	Variant string `json:"variant"`
	Format  string `json:"format,omitempty"`
	// Size is the bytes on disk of the variant's files.
	Size   int64  `json:"size"`
	Commit string `json:"commit"`
	// Complete is false for a split with a part missing, or a download
	// left unfinished (Variant "(partial)").
	Complete bool `json:"complete"`
	// Compatible and Worker are the verdict; Fit is the recommended
	// worker's level for this variant ("" when unknown).
	Compatible bool      `json:"compatible"`
	Worker     string    `json:"worker"`
	Fit        fit.Level `json:"fit"`
	// Path is what a worker loads.
	Path string `json:"path"`
}

// Local is what the Hugging Face cache holds.
type Local struct {
	Root  string     `json:"root"`
	Rows  []LocalRow `json:"rows"`
	Total int64      `json:"total"`
}

// LocalTable prints l as local does: a row per repo and variant, largest
// first, with the total at the end; or that root holds nothing.
func LocalTable(w io.Writer, l Local) error {
	if len(l.Rows) == 0 {
		_, err := fmt.Fprintf(w, "nothing in %s\n", text.Sanitize(l.Root))
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "REPO\tVARIANT\tSIZE\tCOMMIT\tSTATE\tWORKER\tFIT\tPATH")
	for _, r := range l.Rows {
		state := "complete"
		if !r.Complete {
			state = "incomplete"
		}
		worker := r.Worker
		if !r.Compatible {
			worker = "✗ none"
		}
		fitCell := "?"
		if r.Fit != "" {
			fitCell = r.Fit.Words()
		}
		commit := r.Commit
		if len(commit) > 12 {
			commit = commit[:12]
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", text.Sanitize(r.Repo), text.Sanitize(r.Variant), text.Bytes(r.Size),
			commit, state, text.Sanitize(worker), fitCell, text.Sanitize(r.Path))
	}
	fmt.Fprintf(tw, "total\t\t%s\t\t\t\t\t\n", text.Bytes(l.Total))
	return tw.Flush()
}
