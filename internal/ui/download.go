package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/modelbrowser/modelbrowser/internal/download"
	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/text"
)

// Downloads in the browser: d fetches a variant into the Hugging Face
// cache after one confirmation line, in the background, one at a time
// (further ones queue); x cancels the running one (its partial file is
// kept for a later resume); q while one runs asks once. With
// --pick-format path, p fetches the pick the same way and the program
// ends with its local path.

// Downloader is what the TUI needs to put a variant on this machine.
// cmd/modelbrowser injects internal/app's; tests inject fakes.
type Downloader interface {
	// PlanDownload says what fetching the variant label of model id takes
	// (sizes, free space, the path a worker loads); it writes nothing. A
	// variant that does not fit the free space is an error. Called in a
	// tea.Cmd.
	PlanDownload(ctx context.Context, id, label string) (download.Plan, error)
	// Download fetches what plan lacks, telling progress as bytes arrive,
	// and returns the path a worker loads. Cancelling ctx stops it and
	// keeps the partial file for a later resume. Called off the UI loop.
	Download(ctx context.Context, plan download.Plan, progress func(download.Progress)) (string, error)
}

// progressPace is the least time between two progress messages: the bar
// moves ten times a second, and a fast link does not flood the loop.
const progressPace = 100 * time.Millisecond

// downloads is the root's download state.
type downloads struct {
	d        Downloader // nil: no downloads (--demo)
	pickPath bool       // --pick-format path: p fetches the pick
	pace     time.Duration
	seq      int // numbers requests, so that a stale answer is dropped

	planning *dlJob   // asked for its plan, not answered yet
	confirm  *dlJob   // planned, waiting for y/enter
	running  *dlJob   // fetching
	queue    []*dlJob // confirmed, waiting for the running one

	quitArmed bool   // q was pressed while one runs: q again quits
	notice    string // how the last one ended; cleared by the next key
	// noticePath is the local path the notice ends with, sanitized: cut
	// in the middle to fit, never at its end.
	noticePath string
}

// dlJob is one variant to fetch, from the request to its end. Replaced,
// never changed in place, once the model holds it.
type dlJob struct {
	seq       int
	id, label string // the raw id and label, as the Downloader is asked
	pick      bool   // p asked for it: the program ends with its path
	result    Result // the pick, for pick jobs

	plan     download.Plan
	cancel   context.CancelFunc
	events   *dlEvents
	started  time.Time // by the injected clock
	progress download.Progress
	rate     float64 // bytes a second since it started, by the same clock
	stopped  bool    // x cancelled it
}

// name is the variant as the screen shows it: REPO:LABEL, sanitized.
func (j *dlJob) name() string { return text.Sanitize(j.id + ":" + j.label) }

// dlEvents carries a running download's progress (the latest only: the
// UI draws where it is, not every step) and its end to the UI loop.
type dlEvents struct {
	progress chan download.Progress
	ended    chan downloadEndedMsg
	done     chan struct{} // closed once Download returned
}

func newDLEvents() *dlEvents {
	return &dlEvents{progress: make(chan download.Progress, 1), ended: make(chan downloadEndedMsg, 1), done: make(chan struct{})}
}

// tell replaces the progress not yet read by p; it never blocks.
func (e *dlEvents) tell(p download.Progress) {
	for range 3 {
		select {
		case e.progress <- p:
			return
		default:
		}
		select {
		case <-e.progress:
		default:
		}
	}
}

// downloadKey is d: plan the highlighted variant (in the detail) or the
// best one for the shown worker (on a list row), then confirm.
func (m Model) downloadKey() (Model, tea.Cmd) {
	it := m.list.selected()
	if it == nil || m.dl.d == nil {
		return m, nil
	}
	r := m.chosenVariant(it)
	if r.Variant == nil {
		m.footerErr = noVariantText(it, r)
		return m, nil
	}
	return m.planJob(&dlJob{id: it.judged.Model.ID, label: r.Variant.Name})
}

// chosenVariant is what p would pick now: the highlighted variant when
// the detail has focus on this model, else the best for the shown worker.
func (m Model) chosenVariant(it *item) Result {
	w := it.shownWorker(m.list.worker)
	m.list.judge(it)
	var chosen *fit.VariantFit
	if m.detailOpen && m.focus == focusDetail && m.detail.showing(it.judged.Model.ID) {
		chosen = m.detail.highlighted()
	}
	return pickResult(it, w, chosen)
}

// noVariantText says why there is no file to fetch for it.
func noVariantText(it *item, r Result) string {
	if it.factsState != factsIn {
		return "the files of " + it.id + " are not in yet: wait for the FIT column, then press d again"
	}
	return "no file of " + it.id + " fits for " + text.Sanitize(r.Worker) + ": open the details (enter, tab) and highlight one to fetch it anyway"
}

// pickToPath is p with --pick-format path: the picked variant is fetched
// if it is missing, and the program ends with its local path.
func (m Model) pickToPath(r Result) (Model, tea.Cmd) {
	it := m.list.selected()
	switch {
	case m.dl.d == nil:
		m.footerErr = "downloads are off here: nothing to print a path of"
		return m, nil
	case r.Variant == nil:
		m.footerErr = noVariantText(it, r)
		return m, nil
	case m.dl.hasPick():
		m.dl.notice = "the pick is being fetched already; the program ends when it is here"
		return m, nil
	}
	return m.planJob(&dlJob{id: r.Judged.Model.ID, label: r.Variant.Name, pick: true, result: r})
}

// planJob asks for j's plan, unless the same variant is on its way.
func (m Model) planJob(j *dlJob) (Model, tea.Cmd) {
	switch {
	case m.dl.planning != nil:
		m.dl.notice = "looking at " + m.dl.planning.name() + " first"
		return m, nil
	case !j.pick && m.dl.has(j.id, j.label):
		m.dl.notice = j.name() + " is being fetched already"
		return m, nil
	}
	m.dl.seq++
	j.seq = m.dl.seq
	m.dl.planning = j
	return m, planDownload(m.ctx, m.dl.d, j.seq, j.id, j.label)
}

// has reports whether id:label runs or waits in the queue.
func (s downloads) has(id, label string) bool {
	for _, j := range append([]*dlJob{s.running}, s.queue...) {
		if j != nil && j.id == id && j.label == label {
			return true
		}
	}
	return false
}

// hasPick reports whether a pick is planned, confirmed or fetched now.
func (s downloads) hasPick() bool {
	for _, j := range append([]*dlJob{s.planning, s.confirm, s.running}, s.queue...) {
		if j != nil && j.pick {
			return true
		}
	}
	return false
}

// downloadPlanned asks to confirm the plan, or says why not: an error
// (not enough space among them), or every file there already.
func (m Model) downloadPlanned(msg downloadPlannedMsg) (Model, tea.Cmd) {
	j := m.dl.planning
	if j == nil || j.seq != msg.seq {
		return m, nil
	}
	m.dl.planning = nil
	switch {
	case msg.err != nil:
		m.footerErr = "cannot fetch " + j.name() + ": " + text.Sanitize(msg.err.Error())
		return m, nil
	case msg.plan.Complete:
		m.markDownloaded(j.id, msg.plan)
		if j.pick {
			return m.picked(j, msg.plan.Path)
		}
		m.dl.notice, m.dl.noticePath = "already here: ", text.Sanitize(msg.plan.Path)
		return m, nil
	}
	c := *j
	c.plan = msg.plan
	m.dl.confirm = &c
	return m, nil
}

// confirmKey answers the confirmation line: y or enter fetches (now, or
// after the running one), anything else cancels.
func (m Model) confirmKey(k tea.KeyMsg) (Model, tea.Cmd) {
	j := m.dl.confirm
	m.dl.confirm = nil
	if !key.Matches(k, m.keys.Confirm) {
		m.dl.notice = "not fetched: " + j.name()
		return m, nil
	}
	m.dl.queue = append(slices.Clone(m.dl.queue), j)
	if m.dl.running != nil {
		m.dl.notice = fmt.Sprintf("queued %s (%d waiting)", j.name(), len(m.dl.queue))
	}
	next := m.startNext()
	return m, next
}

// startNext starts the first download of the queue when none runs.
func (m *Model) startNext() tea.Cmd {
	if m.dl.running != nil || len(m.dl.queue) == 0 {
		return nil
	}
	j := *m.dl.queue[0]
	m.dl.queue = slices.Clone(m.dl.queue[1:])
	ctx, cancel := context.WithCancel(m.ctx)
	j.cancel, j.events, j.started = cancel, newDLEvents(), m.now
	j.progress = download.Progress{Files: len(j.plan.Files), TotalSize: j.plan.ToFetch}
	m.dl.running = &j
	return startDownload(ctx, m.dl.d, j.seq, j.plan, j.events)
}

// downloadProgressed moves the bars, and waits for the next step.
func (m Model) downloadProgressed(msg downloadProgressedMsg) (Model, tea.Cmd) {
	j := m.dl.running
	if j == nil || j.seq != msg.seq {
		return m, nil
	}
	c := *j
	c.progress = msg.progress
	if el := m.now.Sub(c.started); el > 0 {
		c.rate = float64(msg.progress.TotalDone) / el.Seconds()
	}
	m.dl.running = &c
	return m, waitDownload(c.seq, c.events, m.dl.pace)
}

// downloadEnded says how the running download ended, marks its files
// downloaded, ends the program for a pick, and starts the next one.
func (m Model) downloadEnded(msg downloadEndedMsg) (Model, tea.Cmd) {
	j := m.dl.running
	if j == nil || j.seq != msg.seq {
		return m, nil
	}
	j.cancel()
	m.dl.running = nil
	switch {
	case j.stopped:
		m.dl.notice = "cancelled " + j.name() + "; the part fetched is kept: d resumes it"
	case msg.err != nil:
		m.footerErr = "could not fetch " + j.name() + ": " + text.Sanitize(msg.err.Error())
	default:
		m.markDownloaded(j.id, j.plan)
		if j.pick {
			return m.picked(j, msg.path)
		}
		m.dl.notice, m.dl.noticePath = "downloaded "+j.name()+": ", text.Sanitize(msg.path)
	}
	next := m.startNext()
	return m, next
}

// picked ends the program with the pick j fetched, at path.
func (m Model) picked(j *dlJob, path string) (Model, tea.Cmd) {
	m.result = j.result
	m.result.Path = path
	m.dl.stopAll()
	return m, tea.Quit
}

// cancelDownload is x: the running download stops; the next one starts
// when it has.
func (m Model) cancelDownload() (Model, tea.Cmd) {
	if j := m.dl.running; j != nil && !j.stopped {
		c := *j
		c.stopped = true
		c.cancel()
		m.dl.running = &c
	}
	return m, nil
}

// quit is q: while a download runs, the first q asks and the second
// quits (the download stops; the next run resumes it).
func (m Model) quit(armed bool) (Model, tea.Cmd) {
	if m.dl.running != nil && !armed {
		m.dl.quitArmed = true
		return m, nil
	}
	m.dl.stopAll()
	return m, tea.Quit
}

// stopAll cancels the running download; the queue is dropped with it.
func (s *downloads) stopAll() {
	if s.running != nil {
		s.running.cancel()
	}
	s.queue = nil
}

// wait waits, at most for d, until the running download returned, so
// that its partial file is flushed and its lock released before the
// program exits.
func (s downloads) wait(d time.Duration) {
	if s.running == nil {
		return
	}
	s.running.cancel()
	select {
	case <-s.running.events.done:
	case <-time.After(d):
	}
}

// markDownloaded has the list mark the plan's files downloaded in the
// model's facts, and redraws the detail.
func (m *Model) markDownloaded(id string, p download.Plan) {
	it := m.list.markDownloaded(id, p)
	if it != nil && m.detailVisible() && m.detail.showing(id) {
		m.showDetail(it, m.list.detailAsked(id))
	}
}

// downloadPrompt is the status line's question, "" for none: the
// confirmation, or the quit's.
func (m Model) downloadPrompt() string {
	if j := m.dl.confirm; j != nil {
		p := j.plan
		free := "free space unknown"
		if p.FreeKnown {
			free = text.Bytes(int64(min(p.Free, text.MaxBytes))) + " free"
		}
		size := text.Bytes(p.ToFetch)
		if p.ToFetch < p.Size {
			// Part of it is here (a partial file, a blob shared by two
			// paths): what is left to fetch of the whole.
			size = text.Bytes(p.ToFetch) + " to fetch of " + text.Bytes(p.Size)
		}
		what := "fetch " + j.name()
		if j.pick {
			what = "fetch the pick " + j.name()
		}
		return fmt.Sprintf("%s, %s (%s in %s)? y/enter: yes · any other key: no", what, size, free, text.Sanitize(p.Root))
	}
	if m.dl.quitArmed && m.dl.running != nil {
		return "a download is running: q again quits, it resumes next time"
	}
	return ""
}

// downloadStatus is the status line's part about downloads: how the last
// one ended, the running one's compact bar, the queue.
func (m Model) downloadStatus() []string {
	var parts []string
	if m.dl.notice != "" {
		// The path gets what the line has left, cut in its middle.
		room := m.width - ansi.StringWidth(m.dl.notice) - 8
		parts = append(parts, m.dl.notice+text.CutMiddle(m.dl.noticePath, max(room, 20)))
	}
	if j := m.dl.running; j != nil {
		p := j.progress
		short := j.id[strings.LastIndexByte(j.id, '/')+1:] + ":" + j.label
		bar := m.styles.Progress
		bar.Width = 10
		if p.Waiting {
			parts = append(parts, "↓ "+text.Sanitize(short)+" waits for another download of the same file")
		} else {
			parts = append(parts, fmt.Sprintf("↓ %s %s %d/%d %s/%s %s", text.Sanitize(short), bar.ViewAs(fraction(p)),
				max(p.File, 1), p.Files, text.Bytes(p.TotalDone), text.Bytes(p.TotalSize), rateETA(j)))
		}
	} else if m.dl.planning != nil {
		parts = append(parts, "looking at "+m.dl.planning.name()+"…")
	}
	if n := len(m.dl.queue); n > 0 {
		parts = append(parts, fmt.Sprintf("%d queued", n))
	}
	return parts
}

// downloadBanner is the detail's line about a download of the model it
// shows, width cells wide: a bar with the figures, or its place in the
// queue; "" for none.
func (m Model) downloadBanner(width int) string {
	if m.detail.it == nil {
		return ""
	}
	id := m.detail.it.judged.Model.ID
	if j := m.dl.running; j != nil && j.id == id {
		p := j.progress
		if p.Waiting {
			// Another process holds the file's lock (a get in another
			// terminal, another browser): say so rather than a still bar.
			which := ""
			if p.Files > 1 {
				which = fmt.Sprintf(" file %d/%d", max(p.File, 1), p.Files)
			}
			return ansi.Truncate("↓ "+text.Sanitize(j.label)+which+" waits for another download of it · "+m.keys.CancelDownload.Help().Key+" cancels", width, "…")
		}
		figures := fmt.Sprintf(" %3.0f%% %s/%s %s", fraction(p)*100, text.Bytes(p.TotalDone), text.Bytes(p.TotalSize), rateETA(j))
		if p.Files > 1 {
			figures = fmt.Sprintf(" file %d/%d", max(p.File, 1), p.Files) + figures
		}
		head := "↓ " + text.Sanitize(j.label) + " "
		bar := m.styles.Progress
		bar.Width = width - ansi.StringWidth(head+figures)
		if bar.Width < 8 {
			return ansi.Truncate(head+figures, width, "…")
		}
		return head + bar.ViewAs(fraction(p)) + figures
	}
	for i, j := range m.dl.queue {
		if j.id == id {
			return ansi.Truncate(fmt.Sprintf("↓ %s queued (%d of %d)", text.Sanitize(j.label), i+1, len(m.dl.queue)), width, "…")
		}
	}
	return ""
}

// fraction is how much of the download is done, 0 to 1.
func fraction(p download.Progress) float64 {
	if p.TotalSize <= 0 {
		return 0
	}
	return min(1, max(0, float64(p.TotalDone)/float64(p.TotalSize)))
}

// rateETA is "2 MiB/s ETA 1m05s", or "ETA --" before a rate is known.
func rateETA(j *dlJob) string {
	if j.rate <= 0 {
		return "ETA --"
	}
	left := max(0, j.progress.TotalSize-j.progress.TotalDone)
	eta := time.Duration(float64(left) / j.rate * float64(time.Second))
	return text.Bytes(int64(j.rate)) + "/s ETA " + etaText(eta)
}

// etaText is a wait as "42s", "3m05s" or "1h20m".
func etaText(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	}
	return fmt.Sprintf("%dh%02dm", s/3600, s/60%60)
}
