package ui

import (
	"context"
	"errors"
	"path"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/download"
	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/query"
)

// fakeDownloader plans every variant of the fake Searcher's facts as
// missing (GiB a file), with 100 GiB free in /hf. Download tells a first
// step, then waits for release (or its context), tells the last step and
// returns the path.
type fakeDownloader struct {
	mu       sync.Mutex
	facts    func(id string) fit.Facts
	planErr  error
	complete bool // every plan has its files there already
	planned  []string
	started  []string
	release  chan struct{}
	ctxs     []context.Context
}

func newFakeDownloader() *fakeDownloader {
	return &fakeDownloader{release: make(chan struct{}, 10), facts: func(id string) fit.Facts {
		for _, m := range fixtureModels() {
			if m.ID == id {
				return factsOf(m)
			}
		}
		return fit.Facts{}
	}}
}

func (f *fakeDownloader) PlanDownload(_ context.Context, id, label string) (download.Plan, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.planned = append(f.planned, id+":"+label)
	if f.planErr != nil {
		return download.Plan{}, f.planErr
	}
	facts := f.facts(id)
	v, ok := facts.Listing.Variant(label)
	if !ok {
		return download.Plan{}, errors.New("fake: no variant " + label)
	}
	p := download.Plan{Repo: id, Label: label, SHA: facts.SHA, Free: 100 * fit.GiB, FreeKnown: true, Root: "/hf", Complete: f.complete}
	for _, x := range v.Files {
		p.Files = append(p.Files, x.Path)
		p.Size += int64(fit.GiB)
	}
	p.ToFetch = p.Size
	if f.complete {
		p.ToFetch = 0
	}
	p.Path = path.Join("/hf/snap", p.Files[0])
	p.Ticket = "ticket " + label
	return p, nil
}

func (f *fakeDownloader) Download(ctx context.Context, p download.Plan, progress func(download.Progress)) (string, error) {
	f.mu.Lock()
	f.started = append(f.started, p.Repo+":"+p.Label+" "+p.Ticket.(string))
	f.ctxs = append(f.ctxs, ctx)
	f.mu.Unlock()
	progress(download.Progress{File: 1, Files: len(p.Files), Path: p.Files[0], Size: int64(fit.GiB), TotalSize: p.ToFetch})
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case <-f.release:
	}
	progress(download.Progress{File: len(p.Files), Files: len(p.Files), Done: int64(fit.GiB), Size: int64(fit.GiB), TotalDone: p.ToFetch, TotalSize: p.ToFetch})
	return p.Path, nil
}

func (f *fakeDownloader) calls() (planned, started []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string{}, f.planned...), append([]string{}, f.started...)
}

// dlModel is the fit model with downloads through d, its clock in the
// test's hands (*now), and no pacing between progress messages.
func dlModel(t *testing.T, d Downloader, pickFormat string) (Model, *time.Time) {
	t.Helper()
	now := testNow
	m := New(Options{Query: query.Query{Text: "llm"}, Catalog: compat.DefaultCatalog(), Searcher: newFake(fixtureModels(), 50), Now: clock,
		PickFormat: pickFormat, Machine: testMachine(), Downloader: d})
	m.clock = func() time.Time { return now }
	m.dl.pace = 0
	m, _ = update(m, tea.WindowSizeMsg{Width: 120, Height: 40})
	return run(t, m, m.Init()), &now
}

// onGGUFDetail is m with the GGUF repo's detail focused, its fit table's
// cursor on the best variant (Q8_0 for 16 GiB).
func onGGUFDetail(t *testing.T, m Model) Model {
	t.Helper()
	m = press(t, m, "j", "j", "enter")
	require.Equal(t, ggufRepo, selectedID(m))
	require.NotNil(t, m.detail.highlighted())
	require.Equal(t, "Q8_0", m.detail.highlighted().Name)
	return m
}

// confirmed presses d and y, and returns the command that starts the
// download, not run.
func confirmed(t *testing.T, m Model) (Model, tea.Cmd) {
	t.Helper()
	m = press(t, m, "d")
	require.NotNil(t, m.dl.confirm, "d asks first")
	return update(m, keyMsg("y"))
}

// dlStep runs cmd (it waits for the download's next event) and feeds what
// it answers back, the clock moved on by dt first.
func dlStep(t *testing.T, m Model, now *time.Time, dt time.Duration, cmd tea.Cmd) (Model, tea.Cmd) {
	t.Helper()
	*now = now.Add(dt)
	msgs := messages(cmd)
	require.Len(t, msgs, 1)
	return update(m, msgs[0])
}

func TestDownloadConfirmProgressDone(t *testing.T) {
	d := newFakeDownloader()
	m, now := dlModel(t, d, "id")
	m = onGGUFDetail(t, m)
	assert.True(t, m.keys.Download.Enabled())
	assert.Contains(t, ansi.Strip(m.help.View(m.keys)), "d download variant")
	assert.NotRegexp(t, `Q8_0 .*downloaded`, ansi.Strip(m.View()))

	m = press(t, m, "d")
	status := ansi.Strip(lastStatus(m))
	assert.Equal(t, "fetch bartowski/Qwen2.5-7B-Instruct-GGUF:Q8_0, 1.0 GiB (100.0 GiB free in /hf)? y/enter: yes · any other key: no",
		strings.TrimSpace(status))
	help := ansi.Strip(m.help.View(m.keys))
	assert.Contains(t, help, "y/enter fetch")
	assert.NotContains(t, help, "d download", "only the answers work now")
	planned, started := d.calls()
	assert.Equal(t, []string{ggufRepo + ":Q8_0"}, planned)
	assert.Empty(t, started, "nothing fetched before the answer")

	m, cmd := update(m, keyMsg("y"))
	require.NotNil(t, m.dl.running)
	m, cmd = dlStep(t, m, now, 0, cmd) // the first step: 0 of 1 GiB
	*now = now.Add(time.Second)
	m.dl.running.events.tell(download.Progress{File: 1, Files: 1, Done: 256 << 20, Size: int64(fit.GiB), TotalDone: 256 << 20, TotalSize: int64(fit.GiB)})
	m, cmd = dlStep(t, m, now, time.Second, cmd) // 2 s after the start: 128 MiB/s, 6 s to go
	_, started = d.calls()
	assert.Equal(t, []string{ggufRepo + ":Q8_0 ticket Q8_0"}, started, "the plan went back whole")

	status = ansi.Strip(lastStatus(m))
	assert.Contains(t, status, "↓ Qwen2.5-7B-Instruct-GGUF:Q8_0 ███░░░░░░░ 1/1 256 MiB/1.0 GiB 128 MiB/s ETA 6s")
	view := ansi.Strip(m.View())
	assert.Regexp(t, `│ ↓ Q8_0 █{3,}░{6,}  25% 256 MiB/1\.0 GiB 128 MiB/s ETA 6s`, view, "the detail's bar")
	assert.True(t, m.keys.CancelDownload.Enabled())

	// The user keeps browsing.
	m = press(t, m, "tab", "k")
	assert.NotEqual(t, ggufRepo, selectedID(m))
	assert.Contains(t, ansi.Strip(lastStatus(m)), "↓ Qwen2.5-7B-Instruct-GGUF:Q8_0", "the status line keeps the bar")
	m = press(t, m, "j", "tab")
	require.Equal(t, ggufRepo, selectedID(m))

	d.release <- struct{}{}
	m, cmd = dlStep(t, m, now, time.Second, cmd) // the last step
	m, cmd = dlStep(t, m, now, 0, cmd)           // the end
	assert.Nil(t, cmd, "no other download waits")
	assert.Nil(t, m.dl.running)
	assert.Contains(t, ansi.Strip(lastStatus(m)), "downloaded "+ggufRepo+":Q8_0: /hf/snap/Qwen2.5-7B-Instruct-Q8_0.gguf")
	assert.Regexp(t, `Q8_0 +7\.5 GiB .*best · downloaded`, ansi.Strip(m.View()), "the mark appears in the files table")
	assert.False(t, m.keys.CancelDownload.Enabled())

	m = press(t, m, "k")
	assert.NotContains(t, ansi.Strip(lastStatus(m)), "downloaded", "the note goes with the next key")
}

func TestDownloadAnyOtherKeyCancels(t *testing.T) {
	d := newFakeDownloader()
	m, _ := dlModel(t, d, "id")
	m = onGGUFDetail(t, m)
	cursor := m.detail.cursor
	for _, k := range []string{"n", "j", "esc", "q"} {
		t.Run(k, func(t *testing.T) {
			m := press(t, m, "d")
			require.NotNil(t, m.dl.confirm)
			m, cmd := update(m, keyMsg(k))
			assert.False(t, quits(cmd), "the answer is only an answer")
			m = run(t, m, cmd)
			assert.Nil(t, m.dl.confirm)
			assert.Nil(t, m.dl.running)
			assert.Equal(t, cursor, m.detail.cursor, "the key did nothing else")
			assert.True(t, m.detailOpen)
			assert.Contains(t, ansi.Strip(lastStatus(m)), "not fetched: "+ggufRepo+":Q8_0")
		})
	}
	_, started := d.calls()
	assert.Empty(t, started)
}

func TestDownloadFromTheListIsTheBestForTheShownWorker(t *testing.T) {
	d := newFakeDownloader()
	m, _ := dlModel(t, d, "id")
	m = press(t, m, "j", "j")
	require.Equal(t, ggufRepo, selectedID(m))
	m = press(t, m, "d")
	require.NotNil(t, m.dl.confirm)
	assert.Equal(t, "Q8_0", m.dl.confirm.label, "the FIT column's file")

	// In the detail, the highlighted one instead.
	m = press(t, m, "n", "enter", "j")
	label := m.detail.highlighted().Name
	require.NotEqual(t, "Q8_0", label)
	m = press(t, m, "d")
	require.NotNil(t, m.dl.confirm)
	assert.Equal(t, label, m.dl.confirm.label)
}

func TestDownloadRefusals(t *testing.T) {
	d := newFakeDownloader()
	d.planErr = errors.New("not enough disk space in /hf: bartowski/Qwen2.5-7B-Instruct-GGUF:Q8_0 needs 8098525888 more bytes, 10 are free")
	m, _ := dlModel(t, d, "id")
	m = onGGUFDetail(t, m)
	m = press(t, m, "d")
	assert.Nil(t, m.dl.confirm)
	assert.Contains(t, ansi.Strip(lastStatus(m)), "error: cannot fetch "+ggufRepo+":Q8_0: not enough disk space in /hf")

	d.planErr, d.complete = nil, true
	m = press(t, m, "d")
	assert.Nil(t, m.dl.confirm, "nothing to fetch: nothing to ask")
	assert.Contains(t, ansi.Strip(lastStatus(m)), "already here: /hf/snap/Qwen2.5-7B-Instruct-Q8_0.gguf")
	assert.Regexp(t, `Q8_0 +7\.5 GiB .*downloaded`, ansi.Strip(m.View()))
	_, started := d.calls()
	assert.Empty(t, started)

	// No downloader (--demo): no d.
	m, _ = dlModel(t, nil, "id")
	m = onGGUFDetail(t, m)
	assert.False(t, m.keys.Download.Enabled())
	assert.NotContains(t, ansi.Strip(m.help.View(m.keys)), "download")
	m = press(t, m, "d")
	assert.Nil(t, m.dl.planning)
	assert.Nil(t, m.dl.confirm)
}

func TestDownloadCancel(t *testing.T) {
	d := newFakeDownloader()
	m, now := dlModel(t, d, "id")
	m = onGGUFDetail(t, m)
	m, cmd := confirmed(t, m)
	m, cmd = dlStep(t, m, now, 0, cmd)
	require.NotNil(t, m.dl.running)

	m, xcmd := update(m, keyMsg("x"))
	assert.Nil(t, xcmd)
	d.mu.Lock()
	ctx := d.ctxs[0]
	d.mu.Unlock()
	assert.Error(t, ctx.Err(), "the download's context is cancelled")
	m, cmd = dlStep(t, m, now, 0, cmd)
	assert.Nil(t, cmd)
	assert.Nil(t, m.dl.running)
	assert.Contains(t, ansi.Strip(lastStatus(m)), "cancelled "+ggufRepo+":Q8_0; the part fetched is kept: d resumes it")
	assert.NotContains(t, lastStatus(m), "error")
	assert.NotRegexp(t, `Q8_0 .*downloaded`, ansi.Strip(m.View()), "no mark for a cancelled download")
}

func TestDownloadQueue(t *testing.T) {
	d := newFakeDownloader()
	m, now := dlModel(t, d, "id")
	m = onGGUFDetail(t, m)
	m, first := confirmed(t, m)
	m, first = dlStep(t, m, now, 0, first)

	m = press(t, m, "d") // the same variant again
	assert.Nil(t, m.dl.confirm)
	assert.Contains(t, ansi.Strip(lastStatus(m)), "is being fetched already")

	m = press(t, m, "j")
	second := m.detail.highlighted().Name
	m, cmd := confirmed(t, m)
	assert.Nil(t, cmd, "it waits for the running one")
	require.Len(t, m.dl.queue, 1)
	assert.Contains(t, ansi.Strip(lastStatus(m)), "queued "+ggufRepo+":"+second+" (1 waiting)")
	m = press(t, m, "k")
	assert.Contains(t, ansi.Strip(lastStatus(m)), "1 queued")

	// The first ends: the second starts by itself.
	d.release <- struct{}{}
	m, first = dlStep(t, m, now, time.Second, first)
	m, next := dlStep(t, m, now, 0, first)
	require.NotNil(t, next)
	require.NotNil(t, m.dl.running)
	assert.Equal(t, second, m.dl.running.label)
	assert.Empty(t, m.dl.queue)
	assert.Contains(t, ansi.Strip(lastStatus(m)), "downloaded "+ggufRepo+":Q8_0")
	m, next = dlStep(t, m, now, 0, next)
	_, started := d.calls()
	assert.Equal(t, []string{ggufRepo + ":Q8_0 ticket Q8_0", ggufRepo + ":" + second + " ticket " + second}, started)

	// x cancels the running one only; a queued one would start.
	m = press(t, m, "x")
	m, next = dlStep(t, m, now, 0, next)
	assert.Nil(t, next)
	assert.Nil(t, m.dl.running)
}

func TestQuitWhileDownloadingAsksOnce(t *testing.T) {
	d := newFakeDownloader()
	m, now := dlModel(t, d, "id")
	m = onGGUFDetail(t, m)
	m, cmd := confirmed(t, m)
	m, _ = dlStep(t, m, now, 0, cmd)

	m, cmd = update(m, keyMsg("q"))
	assert.False(t, quits(cmd), "the first q asks")
	assert.Equal(t, "a download is running: q again quits, it resumes next time", strings.TrimSpace(ansi.Strip(lastStatus(m))))

	// Another key disarms it.
	m = press(t, m, "k")
	assert.NotContains(t, ansi.Strip(lastStatus(m)), "q again quits")
	m, cmd = update(m, keyMsg("q"))
	assert.False(t, quits(cmd))

	_, cmd = update(m, keyMsg("q"))
	assert.True(t, quits(cmd), "q again quits")
	d.mu.Lock()
	ctx := d.ctxs[0]
	d.mu.Unlock()
	assert.Error(t, ctx.Err(), "the download stops (its partial file stays for the next run)")

	// Without a download, q quits at once.
	m, _ = dlModel(t, d, "id")
	_, cmd = update(m, keyMsg("q"))
	assert.True(t, quits(cmd))
}

func TestPickFormatPathFetchesThePick(t *testing.T) {
	d := newFakeDownloader()
	m, now := dlModel(t, d, "path")
	m = onGGUFDetail(t, m)
	m = press(t, m, "j")
	label := m.detail.highlighted().Name

	m, cmd := update(m, keyMsg("p"))
	assert.False(t, quits(cmd), "not before the file is here")
	m = run(t, m, cmd)
	require.NotNil(t, m.dl.confirm)
	assert.Contains(t, ansi.Strip(lastStatus(m)), "fetch the pick "+ggufRepo+":"+label+", 1.0 GiB (100.0 GiB free in /hf)?")
	assert.False(t, m.result.Picked)

	m, cmd = update(m, keyMsg("enter"))
	m, cmd = dlStep(t, m, now, time.Second, cmd)
	assert.Contains(t, ansi.Strip(m.View()), "↓ "+label)
	assert.False(t, m.result.Picked, "not before the file is here")
	d.release <- struct{}{}
	m, cmd = dlStep(t, m, now, time.Second, cmd)
	m, cmd = dlStep(t, m, now, 0, cmd)
	assert.True(t, quits(cmd), "the pick is here: the program ends")
	assert.True(t, m.result.Picked)
	assert.Equal(t, ggufRepo+":"+label, m.result.Pick)
	assert.Regexp(t, `^/hf/snap/Qwen2\.5-7B-Instruct-.*\.gguf$`, m.result.Path)

	// A pick already here: its path at once, nothing fetched.
	d2 := newFakeDownloader()
	d2.complete = true
	m, _ = dlModel(t, d2, "path")
	m = onGGUFDetail(t, m)
	m, cmd = update(m, keyMsg("p"))
	msgs := messagesOfType[downloadPlannedMsg](cmd)
	require.Len(t, msgs, 1)
	m, cmd = update(m, msgs[0])
	assert.True(t, quits(cmd))
	assert.Equal(t, "/hf/snap/Qwen2.5-7B-Instruct-Q8_0.gguf", m.result.Path)
	_, started := d2.calls()
	assert.Empty(t, started)

	// A model whose files are not in: nothing to fetch yet, said so.
	m, _ = dlModel(t, d2, "path")
	it := m.list.selected()
	it.factsState, it.facts, it.fit = factsLoading, nil, nil
	m, cmd = update(m, keyMsg("p"))
	assert.False(t, quits(cmd))
	assert.Contains(t, ansi.Strip(lastStatus(m)), "are not in yet")
}

// A download resumed, or one sharing blobs: the line says what is left
// to fetch of the whole.
func TestDownloadConfirmationOfAPartialOne(t *testing.T) {
	m, _ := dlModel(t, newFakeDownloader(), "id")
	m.dl.confirm = &dlJob{id: ggufRepo, label: "Q8_0", plan: download.Plan{Size: 3 << 30, ToFetch: 1 << 30, Root: "/hf"}}
	assert.Equal(t, "fetch "+ggufRepo+":Q8_0, 1.0 GiB to fetch of 3.0 GiB (free space unknown in /hf)? y/enter: yes · any other key: no", m.downloadPrompt())
}

// TestDownloadWaitingForAnotherProcess: while another process holds a
// file's lock, the detail and the status line say the download waits for
// it, instead of a bar standing still at 0; the bar comes back when bytes
// move.
func TestDownloadWaitingForAnotherProcess(t *testing.T) {
	d := newFakeDownloader()
	m, now := dlModel(t, d, "id")
	m = onGGUFDetail(t, m)
	m, cmd := confirmed(t, m)
	require.NotNil(t, m.dl.running)
	m, cmd = dlStep(t, m, now, 0, cmd) // the first step: 0 of 1 GiB

	m.dl.running.events.tell(download.Progress{File: 1, Files: 1, Path: "Qwen2.5-7B-Instruct-Q8_0.gguf", TotalSize: int64(fit.GiB), Waiting: true})
	m, cmd = dlStep(t, m, now, time.Second, cmd)
	assert.Contains(t, ansi.Strip(lastStatus(m)), "↓ Qwen2.5-7B-Instruct-GGUF:Q8_0 waits for another download of the same file")
	view := ansi.Strip(m.View())
	assert.Contains(t, view, "│ ↓ Q8_0 waits for another download of it · x cancels")
	assert.NotContains(t, view, "  0% ", "no still bar")

	m.dl.running.events.tell(download.Progress{File: 1, Files: 1, Done: 512 << 20, Size: int64(fit.GiB), TotalDone: 512 << 20, TotalSize: int64(fit.GiB)})
	m, _ = dlStep(t, m, now, time.Second, cmd)
	assert.NotContains(t, ansi.Strip(m.View()), "waits for another download")
	assert.Regexp(t, `│ ↓ Q8_0 █+░+  50% 512 MiB/1\.0 GiB`, ansi.Strip(m.View()))
}
