package app

import (
	"bytes"
	"context"
	"errors"
	"io"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

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
	// Models are judged in batches by a worker per processor; the
	// batches' lines are written in input order by one writer.
	workers := max(1, runtime.GOMAXPROCS(0))
	work := make(chan *judgeBatch, workers)
	order := make(chan *judgeBatch, 2*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range work {
				s.judgeBatch(b, opts.CompatibleOnly)
				close(b.done)
			}
		}()
	}
	var (
		n      JudgeCounts
		failed atomic.Bool
		werr   error
		wdone  = make(chan struct{})
	)
	go func() {
		defer close(wdone)
		for b := range order {
			<-b.done
			if werr != nil {
				continue
			}
			from := 0
			for _, sk := range b.skips {
				if _, werr = w.Write(b.out[from:sk.off]); werr != nil {
					break
				}
				from = sk.off
				skipped(sk.at.Where(), sk.why)
			}
			if werr == nil {
				_, werr = w.Write(b.out[from:])
			}
			outBuffers.Put(b.out[:0]) //nolint:staticcheck // a slice header: the buffer is what is kept
			n.Judged += b.judged
			n.Written += b.written
			n.Skipped += len(b.skips)
			if werr != nil {
				failed.Store(true)
			}
			if len(order) == 0 && opts.Idle != nil {
				opts.Idle()
			}
		}
	}()
	b := newJudgeBatch()
	send := func() {
		if len(b.items) == 0 {
			return
		}
		order <- b
		work <- b
		b = newJudgeBatch()
	}
	var rerr error
	in := &idleReader{r: r, idle: send}
	for o := range hf.Objects(in, MaxJudgeValue) {
		if o.Err != nil {
			rerr = o.Err
			break
		}
		if failed.Load() {
			break
		}
		b.add(o)
		if len(b.items) >= judgeBatchItems || len(b.arena) >= judgeBatchBytes {
			send()
		}
	}
	in.idle = nil
	send()
	close(work)
	close(order)
	wg.Wait()
	<-wdone
	if werr != nil {
		return n, werr
	}
	return n, rerr
}

// A batch of judge holds up to this many models or bytes of input.
const judgeBatchItems, judgeBatchBytes = 256, 1 << 20

// outBuffers are the batches' output buffers, used again.
var outBuffers = sync.Pool{New: func() any { return []byte(nil) }}

// judgeBatch is models of judge's input judged together: their text, then
// their lines and what was skipped, each note with where it goes among
// the lines.
type judgeBatch struct {
	arena []byte
	items []judgeItem
	done  chan struct{}

	out             []byte
	skips           []judgeSkip
	judged, written int
}

type judgeItem struct {
	at         hf.Object // Line, Element, Skip (no Value)
	start, end int       // the value in arena
}

type judgeSkip struct {
	at  hf.Object
	why string
	off int // where in out the note goes
}

func newJudgeBatch() *judgeBatch { return &judgeBatch{done: make(chan struct{})} }

func (b *judgeBatch) add(o hf.Object) {
	it := judgeItem{at: hf.Object{Line: o.Line, Element: o.Element, Skip: o.Skip}, start: len(b.arena)}
	b.arena = append(b.arena, o.Value...)
	it.end = len(b.arena)
	b.items = append(b.items, it)
}

// judgeBatch judges a batch's models into its lines.
func (s *Session) judgeBatch(b *judgeBatch, compatibleOnly bool) {
	if b.out = outBuffers.Get().([]byte)[:0]; cap(b.out) < len(b.arena)*5 {
		b.out = make([]byte, 0, len(b.arena)*5) // a line is about four times its model
	}
	for _, it := range b.items {
		if it.at.Skip != "" {
			b.skips = append(b.skips, judgeSkip{at: it.at, why: it.at.Skip, off: len(b.out)})
			continue
		}
		line, ok, why := s.judgeOne(b.arena[it.start:it.end])
		if why != "" {
			b.skips = append(b.skips, judgeSkip{at: it.at, why: why, off: len(b.out)})
			continue
		}
		b.judged++
		if !ok && compatibleOnly {
			continue
		}
		var err error
		if b.out, err = report.AppendLine(b.out, line); err != nil {
			b.skips = append(b.skips, judgeSkip{at: it.at, why: "cannot be written as JSON: " + err.Error(), off: len(b.out)})
			continue
		}
		b.written++
	}
	b.arena = nil
}

// judgeOne judges one model object: its line, whether it is compatible,
// or why it is no model.
func (s *Session) judgeOne(v []byte) (report.JudgeLine, bool, string) {
	raw, err := hf.ExtractObject(v)
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
