package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/modelbrowser/modelbrowser/internal/app"
	"github.com/modelbrowser/modelbrowser/internal/cli"
	"github.com/modelbrowser/modelbrowser/internal/report"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

func init() { register(newJudgeCmd) }

func newJudgeCmd(e *env) *cobra.Command {
	var (
		workersFile    string
		fitf           cli.Fit
		compatibleOnly bool
		worker         string
	)
	cmd := &cobra.Command{
		Use:   "judge [FILE...]",
		Short: "Judge Hub model JSON you already hold, one JSON line per model",
		Long: `judge reads Hub model JSON a program already holds (a model info or a list
item, as the Hub returns it, with or without expand fields) and writes one line
per model, in input order, each exactly the element search --json prints for it.
It sends no request, ever.

Input, from each FILE or standard input (- or no FILE), told apart by the
content: one object (pretty-printed or not), a JSON array of them, or JSON
lines. The context length comes from the input's gguf object, else it is
unknown (the verdict warns). When the input lists file sizes (siblings[].size
or lfs.size, as ?blobs=true gives), each compatible model also gets check
--json's fit object for this machine (or --memory/--vram/--ctx), its shape
unknown since no config.json or GGUF header is read.

A line (or array element) that is not JSON or not a model is skipped with a
note on stderr naming the file and line N (element N); the rest is judged.
Exit 0, or 2 when something was skipped, a file could not be read, or a flag
is wrong.`,
		Example: `  curl -s 'https://huggingface.co/api/models?limit=100&expand[]=gguf&expand[]=tags' | modelbrowser judge
  modelbrowser judge crawl.jsonl --compatible-only | jq -r .id
  modelbrowser judge info.json --worker llm-worker-rbee-cpu --memory 16GiB`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			over, err := fitf.Overrides()
			if err != nil {
				return err
			}
			s, err := app.OpenLocal(cmd.Context(), e.app(), workersFile, over)
			if err != nil {
				return err
			}
			if worker != "" {
				if err := s.OnlyWorker(worker); err != nil {
					return app.UsageError{Msg: err.Error()}
				}
			}
			if len(args) == 0 {
				args = []string{"-"}
			}
			out := &flushWriter{w: bufio.NewWriterSize(e.stdout, 64<<10)}
			opts := app.JudgeOptions{CompatibleOnly: compatibleOnly, Idle: out.flush}
			skipped, failed := 0, false
			for _, name := range args {
				if cmd.Context().Err() != nil {
					break
				}
				var r io.Reader = e.stdin
				shown := "standard input"
				if name != "-" {
					f, err := os.Open(name)
					if err != nil {
						out.flush()
						e.note(fmt.Sprintf("judge: cannot read %s: %s", text.Sanitize(name), pathError(err)))
						failed = true
						continue
					}
					r, shown = f, text.Sanitize(name)
					defer f.Close()
				}
				n, err := s.Judge(interruptible(cmd, r), out, opts, func(where, why string) {
					out.flush()
					e.note(fmt.Sprintf("judge: %s: %s: skipped: %s", shown, where, why))
				})
				skipped += n.Skipped
				if out.flush(); out.err != nil {
					if errors.Is(out.err, syscall.EPIPE) {
						return nil // the reader went away (| head): nothing more is wanted
					}
					return fmt.Errorf("judge: writing the output: %s", pathError(out.err))
				}
				if err != nil && cmd.Context().Err() == nil {
					e.note(fmt.Sprintf("judge: cannot read %s: %s", shown, pathError(err)))
					failed = true
				}
			}
			if skipped > 0 {
				e.note(fmt.Sprintf("judge: skipped %s that %s not JSON or not a model", report.Plural(int64(skipped), "part"), map[bool]string{true: "is", false: "are"}[skipped == 1]))
			}
			if failed || skipped > 0 {
				return app.Exit(app.ExitError)
			}
			return nil
		},
	}
	fs := cmd.Flags()
	cli.Workers(cmd, &workersFile)
	fitf.Register(fs)
	fs.BoolVar(&compatibleOnly, "compatible-only", false, "write only the compatible models")
	cli.Worker(cmd, &worker, "judge against this worker alone (as check --worker)", e.app, &workersFile)
	return cmd
}

// flushWriter is judge's buffered output, which keeps its first error.
type flushWriter struct {
	w   *bufio.Writer
	err error
}

func (f *flushWriter) Write(p []byte) (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	n, err := f.w.Write(p)
	f.err = err
	return n, err
}

func (f *flushWriter) flush() {
	if f.err == nil {
		f.err = f.w.Flush()
	}
}

// pathError is an open or read error without the path os puts in front
// (the note names the file already).
func pathError(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return report.FirstLine(err.Error())
}

// interruptible ends a read when the command is interrupted (Ctrl-C while
// judge waits on a terminal or a pipe).
func interruptible(cmd *cobra.Command, r io.Reader) io.Reader {
	return readerFunc(func(p []byte) (int, error) {
		if err := cmd.Context().Err(); err != nil {
			return 0, err
		}
		return r.Read(p)
	})
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }
