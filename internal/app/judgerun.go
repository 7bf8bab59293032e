package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"

	"github.com/modelbrowser/modelbrowser/internal/report"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// JudgeRun is the judge command: the files to read ("-" or none for
// Stdin), where the lines and the notes go.
type JudgeRun struct {
	Files          []string
	CompatibleOnly bool
	Stdin          io.Reader
	Stdout         io.Writer
	// Note tells a person something on stderr, a line each.
	Note func(string)
}

// Run judges each file in turn. A part of the input that is not a model
// is skipped with a note, a file that cannot be read too; either ends in
// Exit(ExitError) once the rest is judged. A reader that goes away (| head)
// ends the run quietly; an interrupt ends it between reads.
func (r JudgeRun) Run(ctx context.Context, s *Session) error {
	files := r.Files
	if len(files) == 0 {
		files = []string{"-"}
	}
	out := &flushWriter{w: bufio.NewWriterSize(r.Stdout, 64<<10)}
	opts := JudgeOptions{CompatibleOnly: r.CompatibleOnly, Idle: out.flush}
	skipped, failed := 0, false
	for _, name := range files {
		if ctx.Err() != nil {
			break
		}
		in := r.Stdin
		shown := "standard input"
		if name != "-" {
			f, err := os.Open(name)
			if err != nil {
				out.flush()
				r.Note(fmt.Sprintf("judge: cannot read %s: %s", text.Sanitize(name), pathError(err)))
				failed = true
				continue
			}
			in, shown = f, text.Sanitize(name)
			defer f.Close()
		}
		n, err := s.Judge(interruptible(ctx, in), out, opts, func(where, why string) {
			out.flush()
			r.Note(fmt.Sprintf("judge: %s: %s: skipped: %s", shown, where, why))
		})
		skipped += n.Skipped
		if out.flush(); out.err != nil {
			if errors.Is(out.err, syscall.EPIPE) {
				return nil // the reader went away (| head): nothing more is wanted
			}
			return fmt.Errorf("judge: writing the output: %s", pathError(out.err))
		}
		if err != nil && ctx.Err() == nil {
			r.Note(fmt.Sprintf("judge: cannot read %s: %s", shown, pathError(err)))
			failed = true
		}
	}
	if skipped > 0 {
		verb := "are"
		if skipped == 1 {
			verb = "is"
		}
		r.Note(fmt.Sprintf("judge: skipped %s that %s not JSON or not a model", report.Plural(int64(skipped), "part"), verb))
	}
	if failed || skipped > 0 {
		return Exit(ExitError)
	}
	return nil
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

// interruptible ends a read when ctx ends (Ctrl-C while judge waits on a
// terminal or a pipe).
func interruptible(ctx context.Context, r io.Reader) io.Reader {
	return readerFunc(func(p []byte) (int, error) {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		return r.Read(p)
	})
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }
