package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/modelbrowser/modelbrowser/internal/text"
)

// Note prints a remark for a person, as one line: "modelbrowser: MSG".
func Note(w io.Writer, msg string) {
	fmt.Fprintf(w, "modelbrowser: %s\n", FirstLine(msg))
}

// FirstLine keeps a message to one line of plain text: its first line,
// trimmed and sanitised.
func FirstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return text.Sanitize(s)
}

// UsageLine is the note of a bad command line: "SUB: MSG (see 'CMD
// --help')", where sub is the command's path below the root ("" for the
// root itself) and cmd its whole path; a message that already points
// somewhere ("see '...") gets no second pointer.
func UsageLine(sub, cmd, msg string) string {
	msg = FirstLine(msg)
	if !strings.Contains(msg, "see '") {
		msg += fmt.Sprintf(" (see '%s --help')", cmd)
	}
	if sub != "" {
		msg = sub + ": " + msg
	}
	return msg
}

// Plural is "1 request", "2 requests".
func Plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
