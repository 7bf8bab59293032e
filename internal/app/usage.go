package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Exit codes shared by every command (policy section 6).
const (
	ExitOK       = 0
	ExitNegative = 1 // incompatible (check) / nothing picked (browser)
	ExitError    = 2 // bad input, network, not found
)

// UsageError is a bad command line: the command prints it with its name
// and a pointer to its help, and exits 2.
type UsageError struct{ Msg string }

func (u UsageError) Error() string { return u.Msg }

// Usagef is a UsageError.
func Usagef(format string, a ...any) error { return UsageError{fmt.Sprintf(format, a...)} }

// Exit ends a command with a code and nothing more to say: 1 for a
// negative answer, 2 after the output already told what went wrong.
type Exit int

func (e Exit) Error() string { return "exit " + strconv.Itoa(int(e)) }

// Failure is what an error that ends a command tells a person, and the
// exit code.
type Failure struct {
	Code int
	// Usage: Lines[0] is a bad command line, to print with the
	// command's name and a pointer to its help.
	Usage bool
	// Lines are the remarks to print, one line each; none for Exit.
	Lines []string
}

// Fail is the Failure err stands for: nil is exit 0, Exit its code with
// nothing to print, a UsageError exit 2, any other error exit 2 with its
// message and the next step to take (NextStep) when there is one.
func Fail(err error) Failure {
	var (
		exit  Exit
		usage UsageError
	)
	switch {
	case err == nil:
		return Failure{Code: ExitOK}
	case errors.As(err, &exit):
		return Failure{Code: int(exit)}
	case errors.As(err, &usage):
		return Failure{Code: ExitError, Usage: true, Lines: []string{usage.Msg}}
	}
	f := Failure{Code: ExitError, Lines: []string{err.Error()}}
	if next := NextStep(err); next != "" {
		f.Lines = append(f.Lines, next)
	}
	return f
}

// MaxTimeout is the longest --timeout a one-shot command takes.
const MaxTimeout = 24 * time.Hour

// WithTimeout bounds ctx by a command's time budget d; when it runs out,
// the cause says so in words a person reads in a note. A d out of (0,
// MaxTimeout] is a UsageError.
func WithTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc, error) {
	if d <= 0 || d > MaxTimeout {
		return ctx, func() {}, Usagef("--timeout must be more than 0 and at most 24h, got %s", d)
	}
	ctx, cancel := context.WithTimeoutCause(ctx, d, fmt.Errorf("the --timeout of %s ran out", d))
	return ctx, cancel, nil
}

// TimedOut reports whether ctx's time budget ran out.
func TimedOut(ctx context.Context) bool {
	return errors.Is(ctx.Err(), context.DeadlineExceeded)
}
