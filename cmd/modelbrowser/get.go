package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/modelbrowser/modelbrowser/internal/app"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

func init() { register(newGetCmd) }

// getJSON is get --json (GET_POLICY.md section 6).
type getJSON struct {
	Repo    string        `json:"repo"`
	SHA     string        `json:"sha"`
	Variant string        `json:"variant"`
	Path    string        `json:"path"`
	Files   []getFileJSON `json:"files"`
	ToFetch *int64        `json:"to_fetch,omitempty"`
	Free    *uint64       `json:"free,omitempty"`
}

type getFileJSON struct {
	Path    string `json:"path"`
	Size    int64  `json:"size"`
	SHA256  string `json:"sha256"`
	Present *bool  `json:"present,omitempty"`
}

func newGetCmd(e *env) *cobra.Command {
	var (
		common         commonFlags
		asJSON, dryRun bool
		worker         string
		revision       string
	)
	cmd := &cobra.Command{
		Use:   "get REPO[:LABEL]",
		Short: "Download a variant into the Hugging Face cache and print the path to load",
		Long: `get downloads one variant of a repository into the Hugging Face cache
(HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub), laid out
as huggingface_hub writes it, so every worker and both official clients
find it. It prints one line: the path a worker loads (the first GGUF file,
or the snapshot folder of safetensors weights).

REPO:LABEL names the variant; without a label get takes the best variant
for the recommended worker on this machine, as check reports it (the fit
flags plan for another machine). Files already there are never fetched
again; an interrupted download resumes; every file is checked against the
sha256 (or git blob id) the Hub lists. Progress goes to stderr.

Exit 0 done, 2 on any error, 130 (143) when interrupted.`,
		Example: `  modelbrowser get Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M
  modelbrowser get hf.co/ggml-org/gemma-3-1b-it-GGUF --memory 8GiB
  llama-server -m "$(modelbrowser get ggml-org/gemma-3-1b-it-GGUF)"
  modelbrowser get Qwen/Qwen2.5-0.5B-Instruct --dry-run --json`,
		Args:              oneRepo("modelbrowser get Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M"),
		ValidArgsFunction: completeRepo(e),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, label := app.SplitPick(args[0])
			ctx := cmd.Context()
			s, err := common.open(ctx, e, false, false)
			if err != nil {
				return err
			}
			defer s.Hub.Close()
			if worker != "" {
				if err := s.OnlyWorker(worker); err != nil {
					return usageError{err.Error()}
				}
			}
			req := app.GetRequest{ID: id, Label: label, Revision: revision, Catalog: s.Catalog, Machine: s.Machine.Fit, Context: s.Overrides.Context}
			plan, err := s.Hub.PlanGet(ctx, req)
			if _, ok := wasInterrupted(ctx); ok {
				return silentExit(exitError)
			}
			if err != nil {
				return err
			}
			spaceErr := s.Hub.CheckSpace(&plan)
			if dryRun {
				return printDryRun(e.stdout, plan, asJSON)
			}
			if spaceErr != nil {
				return spaceErr
			}
			var prog *progressLine
			if !plan.Complete() {
				prog = newProgressLine(e.stderr, e.stderrTTY)
			}
			res, err := s.Hub.Get(ctx, plan, app.GetOptions{
				Progress: prog.update,
				Waiting: func(p string) {
					prog.clear()
					e.note("waiting for another download of " + text.Sanitize(p) + " to finish")
				},
			})
			prog.clear()
			if _, ok := wasInterrupted(ctx); ok {
				return silentExit(exitError) // stdout stays empty
			}
			if err != nil {
				return err
			}
			if asJSON {
				return text.WriteJSON(e.stdout, resultJSON(res.Plan, false))
			}
			fmt.Fprintln(e.stdout, res.Plan.Path)
			return nil
		},
	}
	fs := cmd.Flags()
	common.register(cmd)
	fs.BoolVar(&asJSON, "json", false, "print the repo, commit, variant, path and files as JSON")
	fs.BoolVar(&dryRun, "dry-run", false, "say what would be fetched and the free space; write nothing")
	fs.StringVar(&revision, "revision", "", "a branch, tag or commit of the repository")
	fs.StringVar(&worker, "worker", "", "choose the best variant for this worker")
	_ = cmd.RegisterFlagCompletionFunc("worker", func(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
		return app.WorkerNames(e.app(), common.workersFile), cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

func resultJSON(p app.GetPlan, dry bool) getJSON {
	out := getJSON{Repo: p.Repo, SHA: p.SHA, Variant: p.Variant, Path: p.Path, Files: []getFileJSON{}}
	for _, f := range p.WithHashes() {
		j := getFileJSON{Path: f.Path, Size: f.Size, SHA256: f.SHA256}
		if dry {
			present := f.Present
			j.Present = &present
		}
		out.Files = append(out.Files, j)
	}
	if dry {
		toFetch := p.ToFetch
		out.ToFetch = &toFetch
		if p.FreeKnown {
			free := p.Free
			out.Free = &free
		}
	}
	return out
}

// printDryRun says what get would do: a line per file, then the bytes to
// fetch and the free bytes.
func printDryRun(w io.Writer, p app.GetPlan, asJSON bool) error {
	if asJSON {
		return text.WriteJSON(w, resultJSON(p, true))
	}
	for _, f := range p.Files {
		what := "fetch"
		if f.Present {
			what = "have"
		}
		fmt.Fprintf(w, "%-5s %10s  %s\n", what, text.Bytes(f.Size), text.Sanitize(f.Path))
	}
	free := "unknown"
	if p.FreeKnown {
		free = text.Bytes(int64(min(p.Free, 1<<62)))
	}
	fmt.Fprintf(w, "to fetch: %s (%d bytes); free: %s in %s\n", text.Bytes(p.ToFetch), p.ToFetch, free, text.Sanitize(p.Root()))
	return nil
}

// progressLine draws get's progress on stderr: on a terminal one line,
// redrawn at most 10 times a second and cleared at the end; elsewhere a
// line per file fetched.
type progressLine struct {
	w     io.Writer
	tty   bool
	mu    sync.Mutex
	last  time.Time
	drawn bool
}

func newProgressLine(w io.Writer, tty bool) *progressLine { return &progressLine{w: w, tty: tty} }

func (p *progressLine) update(ev app.Progress) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	rate := 0.0
	if ev.Elapsed > 0 {
		rate = float64(ev.Fetched) / ev.Elapsed.Seconds()
	}
	if !p.tty {
		if ev.Finished && ev.Fetched > 0 {
			fmt.Fprintf(p.w, "modelbrowser: fetched %s (%s, %s/s)\n", text.Sanitize(ev.Path), text.Bytes(ev.Size), text.Bytes(int64(rate)))
		}
		return
	}
	now := time.Now()
	if !ev.Finished && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	eta := "--"
	if rate > 0 && ev.TotalSize > ev.TotalDone {
		eta = (time.Duration(float64(ev.TotalSize-ev.TotalDone)/rate) * time.Second / time.Second).Round(time.Second).String()
	}
	line := fmt.Sprintf("file %d/%d %s  %s / %s  %s/s  ETA %s", ev.File, ev.Files, text.OneLine(ev.Path, 40),
		text.Bytes(ev.Done), text.Bytes(ev.Size), text.Bytes(int64(rate)), eta)
	fmt.Fprintf(p.w, "\r\x1b[2K%s", line)
	p.drawn = true
}

func (p *progressLine) clear() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[2K")
		p.drawn = false
	}
}
