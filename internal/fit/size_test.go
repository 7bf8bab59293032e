package fit

import (
	"math"
	"strings"
	"testing"
)

func TestParseSize(t *testing.T) {
	good := map[string]uint64{
		"16GiB": 16 * GiB, "8G": 8 * GiB, "12000MiB": 12000 * MiB, "7.5G": 7*GiB + GiB/2, "512K": 512 * KiB,
		"1T": TiB, "2TB": 2 * TiB, "3gib": 3 * GiB, " 4M ": 4 * MiB, "0.5K": 512, "1.0000000001K": 1024,
		"16383.9999999T": 1<<54 - 109952, "17179869183G": 1<<64 - 1<<30, // the largest whole GiB count
	}
	for in, want := range good {
		got, err := ParseSize(in)
		if err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	bad := map[string]string{
		"8":         "unit",
		"8.5":       "unit",
		"-8G":       "negative",
		"16777216T": "too large", "17179869184G": "too large",
		"99999999999999999999999G": "too large",
		"0G":                       "more than zero",
		"0.0001K":                  "more than zero",
		"8 GB":                     "want a number",
		"8X":                       "want a number",
		"G":                        "want a number",
		"":                         "want a number",
		"8GiBs":                    "want a number",
		"1e3G":                     "want a number",
		".5G":                      "want a number",
	}
	for in, want := range bad {
		_, err := ParseSize(in)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("ParseSize(%q) error = %v, want one line containing %q", in, err, want)
		}
	}
}

func TestParseContext(t *testing.T) {
	good := map[string]int64{"32768": 32768, "32k": 32768, "32K": 32768, "1": 1, " 8k": 8192}
	for in, want := range good {
		got, err := ParseContext(in)
		if err != nil || got != want {
			t.Errorf("ParseContext(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "k", "0", "0k", "-1", "1.5k", "32kb", "32 k", "9223372036854775808", "9007199254740992k", "abc"} {
		if n, err := ParseContext(in); err == nil {
			t.Errorf("ParseContext(%q) = %d, want an error", in, n)
		}
	}
}

func TestHumanBytes(t *testing.T) {
	cases := []struct {
		in            uint64
		human, narrow string
	}{
		{942 * MiB, "942 MiB", "942M"},
		{0, "0 MiB", "0M"},
		{MiB/2 - 1, "0 MiB", "0M"},
		{1023 * MiB, "1023 MiB", "1023M"},
		{GiB - 1, "1.0 GiB", "1.0G"},
		{GiB, "1.0 GiB", "1.0G"},
		{5777474080, "5.4 GiB", "5.4G"},
		{5*GiB + 3*GiB/10 + 1, "5.3 GiB", "5.3G"},
		{123 * GiB, "123.0 GiB", "123.0G"},
		// Past 1 PiB a figure is hostile or a saturated sum: unknown.
		{1 << 50, "1048576.0 GiB", "1048576.0G"},
		{1<<50 + 1, "?", "?"},
		{1 << 63, "?", "?"},
		{math.MaxUint64, "?", "?"},
	}
	for _, tc := range cases {
		if got := HumanBytes(tc.in); got != tc.human {
			t.Errorf("HumanBytes(%d) = %q, want %q", tc.in, got, tc.human)
		}
		if got := NarrowBytes(tc.in); got != tc.narrow {
			t.Errorf("NarrowBytes(%d) = %q, want %q", tc.in, got, tc.narrow)
		}
	}
}

func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"16GiB", "7.5G", "8", "-1K", "99999999999999999999T"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseSize(s)
		if err == nil && n == 0 {
			t.Errorf("ParseSize(%q) = 0 without an error", s)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("multi-line error %q", err)
		}
	})
}
