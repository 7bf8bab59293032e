package report

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNoteIsOneInertLine(t *testing.T) {
	var b bytes.Buffer
	Note(&b, "  bad \x1b]0;title\x07thing\nsecond line\n")
	assert.Equal(t, "modelbrowser: bad thing\n", b.String())
}

func TestUsageLine(t *testing.T) {
	assert.Equal(t, "search: unknown flag --bogus (see 'modelbrowser search --help')",
		UsageLine("search", "modelbrowser search", "unknown flag --bogus"))
	assert.Equal(t, "unknown flag -x (see 'modelbrowser --help')",
		UsageLine("", "modelbrowser", "unknown flag -x"))
	assert.Equal(t, "cache info: unexpected argument \"now\" (see 'modelbrowser cache info --help')",
		UsageLine("cache info", "modelbrowser cache info", "unexpected argument \"now\""))
	// A message that points to the help already gets no second pointer.
	assert.Equal(t, "search: unknown flag -json (long flags take two dashes: --json; see 'modelbrowser search --help')",
		UsageLine("search", "modelbrowser search", "unknown flag -json (long flags take two dashes: --json; see 'modelbrowser search --help')"))
}

func TestPlural(t *testing.T) {
	assert.Equal(t, "0 pages", Plural(0, "page"))
	assert.Equal(t, "1 page", Plural(1, "page"))
	assert.Equal(t, "2 requests", Plural(2, "request"))
}
