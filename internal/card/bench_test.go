package card

import (
	"strings"
	"testing"
	"time"

	"github.com/muesli/termenv"
)

// oneMiBCard is a card of just over MaxBytes shaped like a long real one:
// front matter, headings, paragraphs with links, tables and code blocks.
func oneMiBCard() string {
	var b strings.Builder
	b.WriteString("---\nlicense: apache-2.0\nlanguage: [en, zh]\n---\n")
	for i := 0; b.Len() < MaxBytes+64<<10; i++ {
		b.WriteString("## Section\n\nSome text with a [link](https://example.org/a) and **bold** words, long enough to wrap once or twice in a pane of eighty columns.\n\n")
		b.WriteString("| Benchmark | Score | Notes |\n|---|---|---|\n| MMLU | 71.2 | 5-shot |\n| GSM8K | 80.1 | CoT |\n\n")
		b.WriteString("```python\nfrom transformers import AutoModel\nmodel = AutoModel.from_pretrained(\"x\")\n```\n\n")
	}
	return b.String()
}

// BenchmarkRender1MiB renders a card over 1 MiB with the default budget,
// as the browser does: the time it takes is what opening such a card
// costs (about the 50 ms budget, whatever the card's size).
func BenchmarkRender1MiB(b *testing.B) {
	raw := oneMiBCard()
	for _, st := range []struct {
		name  string
		style Style
	}{{"dark", Dark}, {"plain", Plain}} {
		b.Run(st.name, func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				r := Render(raw, Options{Width: 80, Style: st.style, Profile: termenv.TrueColor})
				if r.Note == "" {
					b.Fatal("a card over 1 MiB was not cut")
				}
			}
		})
	}
}

// BenchmarkRender64KiBWhole renders 64 KiB of the same card with no
// budget: glamour's cost per KiB, which the budget bounds.
func BenchmarkRender64KiBWhole(b *testing.B) {
	raw := oneMiBCard()[:64<<10]
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		Render(raw, Options{Width: 80, Style: Dark, Profile: termenv.TrueColor, Budget: time.Hour})
	}
}
