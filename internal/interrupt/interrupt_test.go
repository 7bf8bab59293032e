package interrupt

import (
	"context"
	"errors"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFirstSignalCancelsSecondExits(t *testing.T) {
	for _, tc := range []struct {
		sig  os.Signal
		code int
	}{{os.Interrupt, ExitInterrupt}, {syscall.SIGTERM, ExitTerminate}} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			sigs := make(chan os.Signal)
			exits := make(chan int, 1)
			ctx, stop := Watch(context.Background(), sigs, func(code int) { exits <- code })
			defer stop()
			sigs <- tc.sig
			select {
			case <-ctx.Done():
			case <-time.After(5 * time.Second):
				t.Fatal("the first signal did not cancel")
			}
			var se SignalError
			require.True(t, errors.As(context.Cause(ctx), &se))
			assert.Equal(t, tc.sig, se.Signal)
			assert.Empty(t, exits, "the first signal does not exit")
			sigs <- tc.sig
			select {
			case code := <-exits:
				assert.Equal(t, tc.code, code)
			case <-time.After(5 * time.Second):
				t.Fatal("the second signal did not exit")
			}
		})
	}
}

func TestNothingAfterStop(t *testing.T) {
	sigs := make(chan os.Signal, 2)
	exited := false
	ctx, stop := Watch(context.Background(), sigs, func(int) { exited = true })
	stop()
	stop() // twice is fine
	sigs <- os.Interrupt
	sigs <- os.Interrupt
	time.Sleep(10 * time.Millisecond)
	assert.False(t, exited)
	assert.ErrorIs(t, context.Cause(ctx), context.Canceled)
}
