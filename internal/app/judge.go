package app

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/hf"
	"github.com/modelbrowser/modelbrowser/internal/report"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// MaxJudgeValue bounds one model of judge's input (a line, an array
// element): the Hub's own answers are capped at 32 MiB.
const MaxJudgeValue = hf.DefaultMaxBodyBytes

// OpenLocal is Open without the Hub, for judge, which sends no request:
// the catalog, the machine and the overrides. The catalog's HubToken says
// whether a token is set, as Open's does, so a gated model's advice reads
// as search's.
func OpenLocal(ctx context.Context, env Env, workersFile string, over Overrides) (*Session, error) {
	cat, err := LoadCatalog(env, workersFile)
	if err != nil {
		return nil, err
	}
	s := &Session{Env: env, Catalog: cat, Overrides: over, Machine: DetectMachine(ctx, env, over)}
	s.Catalog.Machine = s.Machine.Compat
	readFile := env.ReadFile
	if readFile == nil {
		readFile = hf.ReadTokenFile
	}
	if cfg, err := hf.ConfigFromEnv(env.getenv, readFile); err == nil {
		s.Catalog.Machine.HubToken = cfg.Token != ""
	}
	return s, nil
}

// JudgeOptions are judge's choices.
type JudgeOptions struct {
	// CompatibleOnly writes only the compatible models.
	CompatibleOnly bool
	// Idle, when set, is called when the input has nothing more at hand
	// and the next read may wait: the caller flushes its output then, so
	// lines come out as models come in.
	Idle func()
}

// JudgeCounts is what one input held.
type JudgeCounts struct {
	// Judged models, Written lines, Skipped parts of the input.
	Judged, Written, Skipped int
}

// noShape is why a fit judge weighs has no shape: it reads neither
// config.json nor a GGUF header.
var noShape = fit.UnknownNoSource("judge sends no request, so it reads neither")

// Judge reads Hub model JSON from r (see hf.Objects for the forms it
// takes) and writes to w, in input order, one line per model: the element
// search --json prints for it (report.Element), with check --json's fit
// object when the input carries file sizes (siblings[].size or lfs.size)
// and the model is compatible, weighed on the session's machine at its
// --ctx. No request is sent: the context length comes from the input's
// gguf object, else it is unknown (the verdict says so); the fit's shape is
// unknown.
//
// A part of the input that is not JSON, or not a model (no string id, a
// field of a type the Hub never sends, an id that is no repository id), is
// skipped: skipped is told where ("line N", "element N") and why, and the
// rest is judged. The error is a read error of r or a write error of w.
func (s *Session) Judge(r io.Reader, w io.Writer, opts JudgeOptions, skipped func(where, why string)) (JudgeCounts, error) {
	var n JudgeCounts
	out := make([]byte, 0, 4096)
	for o := range hf.Objects(&idleReader{r: r, idle: opts.Idle}, MaxJudgeValue) {
		if o.Err != nil {
			return n, o.Err
		}
		if o.Skip != "" {
			n.Skipped++
			skipped(o.Where(), o.Skip)
			continue
		}
		line, ok, why := s.judgeOne(o.Value)
		if why != "" {
			n.Skipped++
			skipped(o.Where(), why)
			continue
		}
		n.Judged++
		if !ok && opts.CompatibleOnly {
			continue
		}
		var err error
		if out, err = report.AppendLine(out[:0], line); err != nil {
			return n, err
		}
		if _, err := w.Write(out); err != nil {
			return n, err
		}
		n.Written++
	}
	return n, nil
}

// judgeOne judges one model object: its line, whether it is compatible,
// or why it is no model.
func (s *Session) judgeOne(v []byte) (report.JudgeLine, bool, string) {
	raw, _, err := hf.Extract(v)
	if err != nil {
		return report.JudgeLine{}, false, judgeReason(err)
	}
	if err := hf.ValidateRepoID(raw.ID); err != nil {
		return report.JudgeLine{}, false, "not a model: " + strings.TrimPrefix(err.Error(), "hf: ")
	}
	m := compat.Derive(raw)
	j := compat.Judged{Model: m, Verdict: compat.Check(m, s.Catalog)}
	var f *fit.Result
	if j.Verdict.Compatible && bytes.Contains(v, []byte(`"size"`)) {
		f = s.judgeFit(v, j)
		if f != nil {
			j.Verdict.Warnings = append(j.Verdict.Warnings, f.Warnings...)
		}
	}
	return report.JudgeLine{SearchElement: report.Element(j, nil), Fit: f}, j.Verdict.Compatible, ""
}

// judgeFit weighs the model's files when the object lists them with
// sizes; nil when it does not.
func (s *Session) judgeFit(v []byte, j compat.Judged) *fit.Result {
	files, err := hf.DecodeFiles(v, "", "the model")
	if err != nil {
		return nil
	}
	sized := false
	for _, f := range files {
		sized = sized || f.Size != nil
	}
	if !sized {
		return nil
	}
	m := j.Model
	facts := fit.Facts{SHA: m.SHA, ShapeUnknown: noShape,
		Listing: fit.Variants(fit.Repo{Files: files, Parameters: params(m.SafetensorsParams), QuantMethod: m.QuantMethod})}
	if hf.IsCommit(m.SHA) {
		facts.Downloaded = downloaded(s.Env, m.ID, m.SHA, files)
	}
	r, ok := fit.ForVerdict(facts, m, j.Verdict, s.Catalog, s.Machine.Fit, s.Overrides.Context)
	if !ok {
		return nil
	}
	return &r
}

// judgeReason is why an object is no model, in one line: "not valid
// JSON (at byte 12)", "not a model: it has no id".
func judgeReason(err error) string {
	msg := strings.TrimPrefix(err.Error(), "hf: ")
	msg = strings.TrimPrefix(msg, "the model: ")
	msg = strings.TrimPrefix(msg, "the model ")
	var he *hf.Error
	if errors.As(err, &he) && he.Err == nil && strings.Contains(msg, "has no id") {
		return "not a model: no string id"
	}
	if strings.HasPrefix(msg, "is ") {
		return text.OneLine(strings.TrimPrefix(msg, "is "), 200)
	}
	return "not a model: " + text.OneLine(msg, 200)
}

// idleReader calls idle before a read that may wait: when the reader
// above it has used up what came before.
type idleReader struct {
	r    io.Reader
	idle func()
}

func (i *idleReader) Read(p []byte) (int, error) {
	if i.idle != nil {
		i.idle()
	}
	return i.r.Read(p)
}
