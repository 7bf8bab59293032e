package app

import (
	"context"
	"errors"

	"github.com/modelbrowser/modelbrowser/internal/download"
)

// Downloads is get for the browser: internal/ui's Downloader. It fetches
// a named variant (the browser chose it) into the Hugging Face cache,
// exactly as `modelbrowser get REPO:LABEL` does.
type Downloads struct{ hub *Hub }

// Downloads returns the Hub as the browser's downloader.
func (h *Hub) Downloads() Downloads { return Downloads{hub: h} }

// PlanDownload says what fetching id:label takes and the free space;
// nothing is written. A variant that does not fit the free space is an
// error (GET_POLICY.md section 4).
func (d Downloads) PlanDownload(ctx context.Context, id, label string) (download.Plan, error) {
	p, err := d.hub.PlanGet(ctx, GetRequest{ID: id, Label: label})
	if err != nil {
		return download.Plan{}, err
	}
	err = d.hub.CheckSpace(&p)
	return toPlan(p), err
}

// Download fetches what the plan lacks and returns the path a worker
// loads. The free space is looked at again first (a download queued
// behind another finds less). Cancelling ctx stops it and keeps the
// partial .incomplete for a later resume.
func (d Downloads) Download(ctx context.Context, plan download.Plan, progress func(download.Progress)) (string, error) {
	p, ok := plan.Ticket.(GetPlan)
	if !ok {
		return "", errors.New("download: a plan not made by PlanDownload")
	}
	if err := d.hub.CheckSpace(&p); err != nil {
		return "", err
	}
	if progress == nil {
		progress = func(download.Progress) {}
	}
	// last is what the bar shows while another process holds a file's
	// lock: the figures so far, and which file waits.
	last := download.Progress{Files: len(p.Files), TotalSize: p.ToFetch}
	res, err := d.hub.Get(ctx, p, GetOptions{
		Progress: func(ev Progress) {
			last = download.Progress{File: ev.File, Files: ev.Files, Path: ev.Path, Done: ev.Done, Size: ev.Size,
				TotalDone: ev.TotalDone, TotalSize: ev.TotalSize}
			progress(last)
		},
		Waiting: func(path string) {
			w := last
			w.Path, w.Done, w.Size, w.Waiting = path, 0, 0, true
			progress(w)
		},
	})
	if err != nil {
		return "", err
	}
	return res.Plan.Path, nil
}

// toPlan is the plan as the browser sees it.
func toPlan(p GetPlan) download.Plan {
	out := download.Plan{Repo: p.Repo, Label: p.Variant, SHA: p.SHA, ToFetch: p.ToFetch, Free: p.Free, FreeKnown: p.FreeKnown,
		Root: p.Root(), Path: p.Path, Complete: p.Complete(), Ticket: p}
	for _, f := range p.Files {
		out.Files = append(out.Files, f.Path)
		out.Size += f.Size
	}
	return out
}
