package app

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFail(t *testing.T) {
	assert.Equal(t, Failure{Code: ExitOK}, Fail(nil))
	assert.Equal(t, Failure{Code: ExitNegative}, Fail(Exit(ExitNegative)))
	assert.Equal(t, Failure{Code: ExitError}, Fail(fmt.Errorf("wrapped: %w", Exit(ExitError))))
	assert.Equal(t, Failure{Code: ExitError, Usage: true, Lines: []string{"--limit must be between 1 and 10000, got 0"}},
		Fail(Usagef("--limit must be between 1 and 10000, got %d", 0)))
	assert.Equal(t, Failure{Code: ExitError, Lines: []string{"disk on fire"}}, Fail(errors.New("disk on fire")))
}

func TestWithTimeout(t *testing.T) {
	for _, d := range []time.Duration{0, -time.Second, MaxTimeout + 1} {
		_, cancel, err := WithTimeout(context.Background(), d)
		cancel()
		var u UsageError
		require.ErrorAs(t, err, &u, "%s", d)
		assert.Contains(t, u.Msg, "--timeout must be more than 0 and at most 24h")
	}
	ctx, cancel, err := WithTimeout(context.Background(), time.Millisecond)
	require.NoError(t, err)
	defer cancel()
	<-ctx.Done()
	assert.True(t, TimedOut(ctx))
	assert.EqualError(t, context.Cause(ctx), "the --timeout of 1ms ran out")
	assert.False(t, TimedOut(context.Background()))
}
