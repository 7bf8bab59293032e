package report

import (
	"fmt"
	"io"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// SearchElement is one element of `search --json`: the check shape plus
// the popularity figures the list shows.
type SearchElement struct {
	compat.Verdict
	// Mark is the verdict's mark as a word (compat.Mark.Word), the same
	// as the table's, check's and the browser's.
	Mark      string `json:"mark"`
	Downloads int64  `json:"downloads"`
	Likes     int64  `json:"likes"`
	// Fit is the short fit of search --fit: the context, the best file
	// per worker and the largest context that fits.
	Fit *fit.Summary `json:"fit,omitempty"`
}

// Element is j as search --json prints it; f, when not nil, adds its
// summary (search --fit).
func Element(j compat.Judged, f *fit.Result) SearchElement {
	el := SearchElement{Verdict: j.Verdict, Mark: j.Verdict.Mark(true).Word(), Downloads: j.Model.Downloads, Likes: j.Model.Likes}
	if f != nil {
		sum := f.Summary()
		el.Fit = &sum
	}
	return el
}

// JudgeLine is one line of `judge`: the element search --json prints for
// the model, with check --json's fit object when the input carried file
// sizes (it replaces the summary search --fit gives).
type JudgeLine struct {
	SearchElement
	Fit *fit.Result `json:"fit,omitempty"`
}

// AppendLine appends v as one line of JSON (judge, export), every string
// inert as in SearchJSON.
func AppendLine(dst []byte, v any) ([]byte, error) {
	var err error
	switch el := v.(type) {
	case SearchElement:
		if el.Fit == nil {
			dst, err = appendElement(dst, el)
			return append(dst, '\n'), err
		}
	case JudgeLine:
		if el.Fit == nil && el.SearchElement.Fit == nil {
			dst, err = appendElement(dst, el.SearchElement)
			return append(dst, '\n'), err
		}
	}
	dst, err = text.AppendJSON(dst, v)
	if err != nil {
		return dst, err
	}
	return append(dst, '\n'), nil
}

// SearchJSON writes the results as one JSON array with an element per
// line: valid JSON for any parser, easy to grep, and without the cost of
// indenting a megabyte of output. Unsafe characters are escaped
// (text.AppendInert). Written 64 KB at a time.
// fits, when not nil, holds each result's fit (search --fit).
func SearchJSON(w io.Writer, js []compat.Judged, fits []*fit.Result) error {
	const chunk = 64 << 10
	buf := make([]byte, 0, chunk+8<<10)
	buf = append(buf, '[')
	for i := range js {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, '\n')
		var f *fit.Result
		if i < len(fits) {
			f = fits[i]
		}
		var err error
		if buf, err = AppendLine(buf, Element(js[i], f)); err != nil {
			return err
		}
		buf = buf[:len(buf)-1] // the newline: the element ends its line here
		if len(buf) >= chunk {
			if _, err := w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	if len(js) > 0 {
		buf = append(buf, '\n')
	}
	buf = append(buf, "]\n"...)
	_, err := w.Write(buf)
	return err
}

// Pick is what the browser's `--pick-format json` prints: the check shape
// plus what was picked: the variant (its files with sizes; null for a
// repository without one), the commit, the worker the user chose, the
// context the fit was judged at, and the variant's fit on that worker
// (level, low, high; null when unknown).
type Pick struct {
	compat.Verdict
	Mark    string       `json:"mark"`
	Pick    string       `json:"pick"`
	Variant *PickVariant `json:"variant"`
	SHA     string       `json:"sha"`
	Worker  string       `json:"worker"`
	Context int64        `json:"context"`
	Level   *fit.Level   `json:"level"`
	Low     *uint64      `json:"low"`
	High    *uint64      `json:"high"`
}

// PickVariant is the picked variant: its name, format, files and size.
type PickVariant struct {
	Name   string     `json:"name"`
	Format string     `json:"format"`
	Files  []fit.File `json:"files"`
	Size   *uint64    `json:"size"`
}

// NewPickVariant is v as a pick prints it (nil for none).
func NewPickVariant(v *fit.Variant) *PickVariant {
	if v == nil {
		return nil
	}
	p := &PickVariant{Name: v.Name, Format: v.Format, Files: v.Files}
	if v.SizeKnown {
		size := v.Size
		p.Size = &size
	}
	return p
}

// WorkersDoc is the --json shape of `modelbrowser workers`.
type WorkersDoc struct {
	Source            string          `json:"source"`
	RecommendedDevice string          `json:"recommended_device"`
	Workers           []compat.Worker `json:"workers"`
	Families          []compat.Family `json:"families"`
	// Machine is what this computer offers the workers, each figure with
	// its source.
	Machine fit.Machine `json:"machine"`
}

// WorkersJSON writes the catalog and the machine as JSON, every string
// inert.
func WorkersJSON(w io.Writer, c compat.Catalog, m fit.Machine) error {
	if m.GPUs == nil {
		m.GPUs = []fit.GPU{}
	}
	return text.WriteJSON(w, WorkersDoc{Source: c.Source, RecommendedDevice: c.Machine.Device(), Workers: c.Workers, Families: c.Families, Machine: m})
}

// Check is what `check --json` prints: the verdict, and the fit of the
// model's files on this machine (null when the model is incompatible or
// its files could not be read).
type Check struct {
	compat.Verdict
	// URL is the model's page on the Hub.
	URL string `json:"url"`
	// Mark is the verdict's mark as a word (compat.Mark.Word).
	Mark string      `json:"mark"`
	Fit  *fit.Result `json:"fit"`
}

// PrintPick prints the browser's pick as --pick-format asks: "path" the
// local path of the file fetched, "json" the document, else the pick
// (REPO:LABEL for a GGUF variant, else REPO). The pick is written inert
// (sanitised) whatever the browser checked before.
func PrintPick(w io.Writer, format, path string, p Pick) error {
	p.Pick = text.Sanitize(p.Pick)
	var err error
	switch format {
	case "path":
		_, err = fmt.Fprintln(w, path)
	case "json":
		err = text.WriteJSON(w, p)
	default:
		_, err = fmt.Fprintln(w, p.Pick)
	}
	return err
}
