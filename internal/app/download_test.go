package app

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/download"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest/hubtesting"
	"github.com/modelbrowser/modelbrowser/internal/hfcache"
)

// While another process holds a file's lock, the browser's download says
// so (Progress.Waiting, with the file), then goes on when it is released.
func TestDownloadsTellAWaitForAnotherDownload(t *testing.T) {
	hub := hubtesting.New(t)
	hub.AddRepos(hubtest.GetRepos()...)
	h, _ := testHub(t, hub.URL)
	d := h.Downloads()
	ctx := context.Background()
	plan, err := d.PlanDownload(ctx, "getorg/tiny-GGUF", "Q4_K_M")
	require.NoError(t, err)
	p := plan.Ticket.(GetPlan)
	require.NotEmpty(t, p.Files)
	held, err := hfcache.Acquire(ctx, p.cache.LockFile(p.Files[0].etag), nil)
	if err != nil {
		t.Skipf("no file locks here: %v", err)
	}

	var mu sync.Mutex
	var events []download.Progress
	done := make(chan error, 1)
	go func() {
		_, err := d.Download(ctx, plan, func(ev download.Progress) {
			mu.Lock()
			events = append(events, ev)
			mu.Unlock()
		})
		done <- err
	}()
	waiting := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(events) > 0 && events[len(events)-1].Waiting
	}
	require.Eventually(t, waiting, 10*time.Second, 10*time.Millisecond, "the wait is told")
	mu.Lock()
	first := events[0]
	mu.Unlock()
	assert.Equal(t, p.Files[0].Path, first.Path, "it names the file that waits")
	assert.Equal(t, p.ToFetch, first.TotalSize)

	held.Unlock()
	require.NoError(t, <-done)
	mu.Lock()
	defer mu.Unlock()
	last := events[len(events)-1]
	assert.False(t, last.Waiting, "the bar comes back once the lock is free")
	assert.Equal(t, last.TotalSize, last.TotalDone)
}
