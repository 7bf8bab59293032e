package ui

import (
	"context"
	"slices"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/download"
	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/query"
)

// Every tea.Cmd that does I/O. A command captures the values it needs and
// never touches the model; its answer comes back as a message.

// fetchPage asks the Searcher for the page after token next and judges its
// models against cat, once, here rather than in Update or View.
func fetchPage(ctx context.Context, s Searcher, cat compat.Catalog, q query.Query, seq int, next string, refresh bool) tea.Cmd {
	q.Filters = slices.Clone(q.Filters)
	return func() tea.Msg {
		page, err := s.Search(ctx, q, next, refresh)
		msg := pageFetchedMsg{query: q, seq: seq, next: next, page: page, err: err}
		if err == nil {
			msg.items = make([]*item, len(page.Models))
			for i, m := range page.Models {
				msg.items[i] = newItem(m, cat)
			}
		}
		return msg
	}
}

// fetchDetail asks the Searcher for what m needs extra requests for and
// judges the completed model again.
func fetchDetail(ctx context.Context, s Searcher, cat compat.Catalog, m compat.Model, seq int, refresh bool) tea.Cmd {
	return func() tea.Msg {
		full, err := s.Detail(ctx, m, refresh)
		msg := detailFetchedMsg{seq: seq, id: m.ID, err: err}
		if err == nil {
			full.ID = m.ID // the answer is about the model we asked for
			msg.item = newItem(full, cat)
			msg.item.detailed = true
		}
		return msg
	}
}

// fetchFacts asks the Searcher for what m's fit is weighed from.
func fetchFacts(ctx context.Context, s Searcher, m compat.Model, seq int) tea.Cmd {
	return func() tea.Msg {
		f, err := s.Facts(ctx, m)
		return factsFetchedMsg{seq: seq, id: m.ID, facts: f, err: err}
	}
}

// fetchCard asks the Searcher for m's model card.
func fetchCard(ctx context.Context, s Searcher, m compat.Model) tea.Cmd {
	key := m.ID + "@" + m.SHA
	return func() tea.Msg {
		c, err := s.Card(ctx, m)
		return cardFetchedMsg{key: key, card: c, err: err}
	}
}

// tickAfter is the timer of a rate-limit countdown: msg after a second.
// Tests replace it on the model to step the clock themselves.
func tickAfter(d time.Duration, msg tea.Msg) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return msg })
}

// planDownload asks the Downloader what fetching id:label takes.
func planDownload(ctx context.Context, d Downloader, seq int, id, label string) tea.Cmd {
	return func() tea.Msg {
		p, err := d.PlanDownload(ctx, id, label)
		return downloadPlannedMsg{seq: seq, plan: p, err: err}
	}
}

// startDownload runs the download in the background, telling ev its
// progress and its end, and answers with its first event.
func startDownload(ctx context.Context, d Downloader, seq int, plan download.Plan, ev *dlEvents) tea.Cmd {
	return func() tea.Msg {
		go func() {
			defer close(ev.done)
			path, err := d.Download(ctx, plan, ev.tell)
			ev.ended <- downloadEndedMsg{seq: seq, path: path, err: err}
		}()
		return waitDownload(seq, ev, 0)()
	}
}

// waitDownload answers with the running download's next event: where it
// stands (at most every pace), or its end.
func waitDownload(seq int, ev *dlEvents, pace time.Duration) tea.Cmd {
	return func() tea.Msg {
		if pace > 0 {
			t := time.NewTimer(pace)
			select {
			case e := <-ev.ended:
				t.Stop()
				return e
			case <-t.C:
			}
		}
		// A step told before the end comes before it.
		select {
		case p := <-ev.progress:
			return downloadProgressedMsg{seq: seq, progress: p}
		default:
		}
		select {
		case e := <-ev.ended:
			return e
		case p := <-ev.progress:
			return downloadProgressedMsg{seq: seq, progress: p}
		}
	}
}

// probeSpeed measures the CPU's speed (a fraction of a second of memory
// reads), nil when there is nothing to measure.
func probeSpeed(probe func() fit.CPUSpeed) tea.Cmd {
	if probe == nil {
		return nil
	}
	return func() tea.Msg { return speedProbedMsg{speed: probe()} }
}
