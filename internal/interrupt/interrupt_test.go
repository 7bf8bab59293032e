package interrupt

import (
	"context"
	"errors"
	"os"
	"os/exec"
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

// The real thing: a process stuck in a call that ignores its context ends
// at the second SIGINT, with 130.
func TestSecondSignalEndsAStuckProcess(t *testing.T) {
	if os.Getenv("INTERRUPT_HELPER") == "1" {
		ctx, stop := Context(context.Background())
		defer stop()
		os.Stdout.WriteString("ready\n")
		<-ctx.Done()
		os.Stdout.WriteString("cancelled\n")
		select {} // stuck: ignores the context from now on
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSecondSignalEndsAStuckProcess$")
	cmd.Env = append(os.Environ(), "INTERRUPT_HELPER=1")
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	buf := make([]byte, 64)
	n, _ := out.Read(buf)
	require.Contains(t, string(buf[:n]), "ready")
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	n, _ = out.Read(buf)
	require.Contains(t, string(buf[:n]), "cancelled")
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		require.True(t, errors.As(err, &ee), "%v", err)
		assert.Equal(t, ExitInterrupt, ee.ExitCode())
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the second signal did not end the process")
	}
}
