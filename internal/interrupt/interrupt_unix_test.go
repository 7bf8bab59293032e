//go:build unix

package interrupt

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
