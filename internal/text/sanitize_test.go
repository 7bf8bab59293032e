package text

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
)

func TestSanitize(t *testing.T) {
	tests := map[string]struct {
		in, want string
	}{
		"plain":                   {"meta-llama/Llama-3.1-8B", "meta-llama/Llama-3.1-8B"},
		"unicode kept":            {"rinna/japanese-ゆかり", "rinna/japanese-ゆかり"},
		"OSC title, BEL ended":    {"a\x1b]0;pwned\x07b", "ab"},
		"OSC title, ST ended":     {"a\x1b]2;pwned\x1b\\b", "ab"},
		"OSC hyperlink":           {"\x1b]8;;https://evil\x1b\\click\x1b]8;;\x1b\\", "click"},
		"CSI clear screen":        {"a\x1b[2J\x1b[Hb", "ab"},
		"CSI colour":              {"\x1b[31mred\x1b[0m", "red"},
		"BEL":                     {"ding\x07dong", "dingdong"},
		"C1 CSI as UTF-8":         {"a\u009b2Jb", "ab"},
		"C1 OSC as UTF-8":         {"a\u009d0;t\u009cb", "ab"},
		"C1 CSI raw byte":         {"a\x9b2Jb", "ab"},
		"lone C1 control":         {"a\u0085b", "ab"},
		"DEL":                     {"a\x7fb", "ab"},
		"NUL and backspace":       {"a\x00\x08b", "ab"},
		"lone ESC":                {"a\x1b", "a"},
		"tabs and newlines":       {"a\tb\nc\r\nd", "a b c  d"},
		"bidi override":           {"user\u202egnp.exe", "usergnp.exe"},
		"bidi isolates and marks": {"a\u2066b\u2069c\u200fd\u061ce", "abcde"},
		"invalid UTF-8":           {"a\xffb\xc3", "ab"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got := Sanitize(tt.in)
			assert.Equal(t, tt.want, got)
			for _, r := range got {
				assert.False(t, IsUnsafe(r), "%q left in %q", r, got)
			}
		})
	}
}

func TestIsUnsafe(t *testing.T) {
	for _, r := range []rune{0, 0x07, 0x1b, '\n', '\t', 0x7f, 0x80, 0x85, 0x9b, 0x9f, 0x202a, 0x202e, 0x2066, 0x2069, 0x200e, 0x200f, 0x061c} {
		assert.True(t, IsUnsafe(r), "%U", r)
	}
	for _, r := range []rune{' ', 'a', '~', 0xa0, 0xe9, 0x2028, 0x200d, 0xfffd, 'ゆ'} {
		assert.False(t, IsUnsafe(r), "%U", r)
	}
}

func TestOneLine(t *testing.T) {
	tests := map[string]struct {
		in   string
		max  int
		want string
	}{
		"plain":          {"not found", 0, "not found"},
		"newlines":       {"line one\nline two\r\n", 0, "line one line two"},
		"escape":         {"bad \x1b[2Jthing", 0, "bad thing"},
		"spaces":         {"  a \t  b  ", 0, "a b"},
		"cut":            {"abcdefgh", 4, "abcd…"},
		"cut multibyte":  {"ゆかりゆかり", 3, "ゆかり…"},
		"exactly max":    {"abcd", 4, "abcd"},
		"bidi":           {"a\u202eb", 0, "ab"},
		"invalid utf-8 ": {"a\xffb", 0, "ab"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tt.want, OneLine(tt.in, tt.max))
		})
	}
}

func TestCutMiddle(t *testing.T) {
	long := strings.Repeat("x", 10000)
	tests := []struct {
		in   string
		w    int
		want string
	}{
		{"Q4_K_M", 10, "Q4_K_M"},
		{"Q4_K_M", 6, "Q4_K_M"},
		{"Q4_K_M", 5, "Q4…_M"},
		{"Q4_K_M", 1, "…"},
		{"Q4_K_M", 0, ""},
		{"folder/model-Q4_K_M.gguf", 15, "folder/…_M.gguf"},
		{"a" + long + "z", 9, "axxx…xxxz"},
		{"日本語のモデル名", 9, "日本…ル名"},
	}
	for _, tc := range tests {
		got := CutMiddle(tc.in, tc.w)
		if got != tc.want {
			t.Errorf("CutMiddle(%.20q, %d) = %q, want %q", tc.in, tc.w, got, tc.want)
		}
		if w := ansi.StringWidth(got); w > max(tc.w, 0) {
			t.Errorf("CutMiddle(%.20q, %d) is %d cells wide", tc.in, tc.w, w)
		}
	}
}
