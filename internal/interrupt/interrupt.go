// Package interrupt turns SIGINT and SIGTERM into a cancelled context, and
// a second one into an immediate exit: the first asks the program to stop
// cleanly, the second ends it even when it is stuck in a call that does
// not watch its context (a blocking open of a FIFO, a parser chewing on a
// hostile file).
package interrupt

import (
	"context"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// Exit codes of a forced exit, as shells report a process killed by the
// signal: 128 plus its number.
const (
	ExitInterrupt = 130 // SIGINT
	ExitTerminate = 143 // SIGTERM
)

// Context is signal.NotifyContext for SIGINT and SIGTERM with a second
// chance taken away: the first signal cancels ctx (context.Cause names
// the signal); a second one, before stop is called, exits the process at
// once with ExitInterrupt or ExitTerminate. stop restores the default
// handling and releases the resources.
func Context(parent context.Context) (ctx context.Context, stop func()) {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	ctx, stopWatch := Watch(parent, sigs, os.Exit)
	return ctx, func() {
		signal.Stop(sigs)
		stopWatch()
	}
}

// Watch is Context over any channel of signals and any exit function, for
// tests: the first signal on sigs cancels ctx with the signal as its
// cause, the second calls exit with the signal's code. After stop,
// nothing more happens.
func Watch(parent context.Context, sigs <-chan os.Signal, exit func(code int)) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		seen := 0
		for {
			select {
			case <-done:
				return
			case sig := <-sigs:
				if seen++; seen == 1 {
					cancel(SignalError{sig})
					continue
				}
				exit(Code(sig))
				return
			}
		}
	}()
	var once sync.Once
	return ctx, func() {
		once.Do(func() {
			close(done)
			wg.Wait()
			cancel(context.Canceled)
		})
	}
}

// Code is the exit code for a process ended by sig: ExitTerminate for
// SIGTERM, ExitInterrupt for anything else.
func Code(sig os.Signal) int {
	if sig == syscall.SIGTERM {
		return ExitTerminate
	}
	return ExitInterrupt
}

// SignalError is the cause of a context cancelled by a signal.
type SignalError struct{ Signal os.Signal }

// Error names the signal ("interrupt", "terminated").
func (e SignalError) Error() string { return e.Signal.String() }
