package hubtest

import (
	"fmt"
	"slices"
	"strings"
)

// Card is the repo's model card: Readme when set, else a short card in
// the shape of the Hub's (YAML front matter with the card data, a
// heading, a badge image, a table of the weight files, a code block and
// links) made from the repo's facts.
func (r *Repo) Card() string {
	if r.Readme != "" {
		return r.Readme
	}
	owner, name, _ := strings.Cut(r.ID, "/")
	var b strings.Builder
	b.WriteString("---\n")
	if r.License != "" {
		fmt.Fprintf(&b, "license: %s\n", r.License)
	}
	switch bm := r.BaseModel.(type) {
	case string:
		fmt.Fprintf(&b, "base_model: %s\n", bm)
	case []any:
		b.WriteString("base_model:\n")
		for _, m := range bm {
			fmt.Fprintf(&b, "- %v\n", m)
		}
	case []string:
		b.WriteString("base_model:\n")
		for _, m := range bm {
			fmt.Fprintf(&b, "- %s\n", m)
		}
	}
	if r.PipelineTag != "" {
		fmt.Fprintf(&b, "pipeline_tag: %s\n", r.PipelineTag)
	}
	if r.LibraryName != "" {
		fmt.Fprintf(&b, "library_name: %s\n", r.LibraryName)
	}
	b.WriteString("language:\n- en\n")
	if len(r.Tags) > 0 {
		b.WriteString("tags:\n")
		for _, t := range r.Tags {
			if !strings.Contains(t, ":") {
				fmt.Fprintf(&b, "- %s\n", t)
			}
		}
	}
	b.WriteString("---\n\n")
	fmt.Fprintf(&b, "# %s\n\n", name)
	fmt.Fprintf(&b, "![%s banner](https://huggingface.co/%s/resolve/main/banner.png)\n\n", name, r.ID)
	what := "model"
	if r.PipelineTag != "" {
		what = strings.ReplaceAll(r.PipelineTag, "-", " ") + " model"
	}
	fmt.Fprintf(&b, "**%s** is a %s published by [%s](https://huggingface.co/%s). ", name, what, owner, owner)
	b.WriteString("This card is a sample of the demo Hub: the shape of a real one, not its words.\n\n")

	var weights []string
	for _, f := range r.Files {
		if IsLFS(f) {
			weights = append(weights, f)
		}
	}
	if len(weights) > 0 {
		b.WriteString("## Files\n\n| File | Size |\n|------|-----:|\n")
		shown := weights[:min(len(weights), 6)]
		for _, f := range shown {
			fmt.Fprintf(&b, "| %s | %s |\n", f, humanBytes(r.FileSize(f)))
		}
		if n := len(weights) - len(shown); n > 0 {
			fmt.Fprintf(&b, "| … %d more | |\n", n)
		}
		b.WriteString("\n")
	}

	b.WriteString("## Quickstart\n\n")
	gguf := slices.ContainsFunc(r.Files, func(f string) bool { return strings.HasSuffix(f, ".gguf") })
	switch {
	case gguf:
		fmt.Fprintf(&b, "```sh\nllama-server -hf %s\n```\n\n", r.ID)
	case r.LibraryName == "transformers" || r.LibraryName == "":
		fmt.Fprintf(&b, "```python\nfrom transformers import pipeline\n\npipe = pipeline(%q, model=%q)\nprint(pipe(\"Hello\"))\n```\n\n",
			r.PipelineTag, r.ID)
	default:
		fmt.Fprintf(&b, "```sh\nhf download %s\n```\n\n", r.ID)
	}
	b.WriteString("## License\n\n")
	if r.License != "" {
		fmt.Fprintf(&b, "Released under the `%s` licence; read the [licence file](https://huggingface.co/%s/blob/main/LICENSE) before use.\n", r.License, r.ID)
	} else {
		b.WriteString("No licence is given in the card data.\n")
	}
	return b.String()
}

// humanBytes is a size as a card's table writes it.
func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.0f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KB", (n+1023)/1024)
}
