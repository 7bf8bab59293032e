package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/modelbrowser/modelbrowser/internal/app"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// usageError is a bad command line: printed with the command's name and a
// pointer to its help, exit 2.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

// usagef is a usageError.
func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// silentExit ends a command with a code and nothing more to say: 1 for a
// negative answer, 2 after the output already told what went wrong.
type silentExit int

func (s silentExit) Error() string { return "exit " + strconv.Itoa(int(s)) }

// flagError turns pflag's parse errors into one line: an unknown flag
// as the user typed it, the others in the words of the standard flag
// package, which scripts and the tests know.
func flagError(cmd *cobra.Command, err error) error {
	var (
		notExist *pflag.NotExistError
		required *pflag.ValueRequiredError
		invalid  *pflag.InvalidValueError
	)
	switch {
	case errors.As(err, &notExist):
		// The name as it was typed: --name, or -x (the group of shorthands
		// it came in, since -json is one dash short of --json).
		typed := "--" + notExist.GetSpecifiedName()
		if sh := notExist.GetSpecifiedShortnames(); sh != "" {
			sh, _, _ = strings.Cut(sh, "=") // -x=value
			typed = "-" + sh
			if len(sh) > 1 && cmd.Flags().Lookup(sh) != nil {
				return usagef("unknown flag %s (long flags take two dashes: --%s; see '%s --help')", text.Sanitize(typed), sh, cmd.CommandPath())
			}
		}
		return usagef("unknown flag %s", text.Sanitize(typed))
	case errors.As(err, &required):
		return usagef("flag needs an argument: --%s", required.GetFlag().Name)
	case errors.As(err, &invalid):
		f := invalid.GetFlag()
		if f.Value.Type() == "bool" {
			return usagef("invalid boolean value %q for --%s (want true or false)", invalid.GetValue(), f.Name)
		}
		why := "parse error"
		if errors.Is(err, strconv.ErrRange) {
			why = "value out of range"
		}
		return usagef("invalid value %q for --%s: %s", invalid.GetValue(), f.Name, why)
	}
	return usageError{err.Error()}
}

// exit prints what err says, as one line on stderr, and returns the exit
// code: a usage error names the command and points to its help.
func (e *env) exit(cmd *cobra.Command, err error) int {
	var (
		silent silentExit
		usage  usageError
	)
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &silent):
		return int(silent)
	case errors.As(err, &usage):
		path := strings.TrimPrefix(strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()), " ")
		msg := oneLine(usage.msg)
		if !strings.Contains(msg, "see '") {
			msg += fmt.Sprintf(" (see '%s --help')", cmd.CommandPath())
		}
		if path != "" {
			msg = path + ": " + msg
		}
		e.note(msg)
	default:
		e.note(err.Error())
		if next := app.NextStep(err); next != "" {
			e.note(next)
		}
	}
	return exitError
}

// note prints a remark for a person on stderr.
func (e *env) note(msg string) {
	fmt.Fprintf(e.stderr, "modelbrowser: %s\n", oneLine(msg))
}

// oneLine keeps an error message to one line of plain text.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return text.Sanitize(s)
}
