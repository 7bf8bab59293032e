package main

// Hostile figures and names in the fit path, through the built binary: a
// 10,000-character file name does not widen check's "Files and fit" table
// or search --fit's FIT column (it is cut in the middle), and file sizes at
// int64's cap or summing past 1 PiB read as unknown ("?"), never as
// "8589934592.0 GiB".

import (
	"math"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
)

// maxLineWidth is a sane width for any printed line.
const maxLineWidth = 200

// absurdGiB is a size figure of a million GiB or more.
var absurdGiB = regexp.MustCompile(`[0-9]{7,}(\.[0-9])? ?(GiB|G)\b`)

func TestBinaryHostileNamesAndSizes(t *testing.T) {
	t.Parallel()
	b := newFitBin(t)
	long := strings.Repeat("a", 5000) + strings.Repeat("b", 5000) // no quant: its stem names the variant
	b.hub.AddRepos(hubtest.Repo{
		ID: "hostile/long-names", GGUF: &hubtest.GGUF{Architecture: "qwen2", ContextLength: 32768, Total: 494032768},
		GGUFHeader: &hubtest.GGUFHeader{Preset: "qwen2.5-0.5b"},
		Files: []string{long + ".gguf", "mmproj-" + long + ".gguf", "model-Q4_K_M.gguf",
			"big-Q8_0-00001-of-00002.gguf", "big-Q8_0-00002-of-00002.gguf"},
		Sizes: map[string]int64{
			long + ".gguf":      400 << 20,
			"model-Q4_K_M.gguf": math.MaxInt64, // at the cap: no real file
			// Each part is a figure; their sum, 2 PiB, is not.
			"big-Q8_0-00001-of-00002.gguf": 1 << 50, "big-Q8_0-00002-of-00002.gguf": 1 << 50,
		},
		Tags: []string{"gguf", "text-generation"}, Downloads: 10,
	})
	for _, args := range [][]string{
		{"check", "hostile/long-names", "--memory", "16GiB"},
		{"search", "hostile", "--fit", "--memory", "16GiB"},
	} {
		r := b.run(args...)
		require.Contains(t, []int{exitOK, exitNegative}, r.code, "%s", r)
		for _, out := range []string{r.stdout, r.stderr} {
			for _, l := range strings.Split(out, "\n") {
				assert.LessOrEqual(t, ansi.StringWidth(l), maxLineWidth, "%v: line %.120q…", args, l)
			}
			assert.NotRegexp(t, absurdGiB, out, "%v", args)
		}
		// Cut in the middle: both ends of the name are still there.
		assert.Regexp(t, `aaaa…bbbb`, r.stdout, "%v: %s", args, r)
		if args[0] == "check" {
			_, _, rows := fitTable(t, r.stdout)
			sizes := map[string]string{}
			for _, row := range rows {
				sizes[row.label] = row.size
			}
			assert.Equal(t, "?", sizes["Q4_K_M"], "a size at int64's cap is unknown: %s", r.stdout)
			assert.Equal(t, "?", sizes["Q8_0"], "a sum past 1 PiB prints as unknown: %s", r.stdout)
			assert.Regexp(t, `also: mmproj-a+…b+\.gguf \(`, r.stdout)
		}
	}
}
