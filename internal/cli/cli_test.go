package cli

import (
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/app"
)

// usage is the message of err, which must be a UsageError.
func usage(t *testing.T, err error) string {
	t.Helper()
	var u app.UsageError
	require.ErrorAs(t, err, &u)
	return u.Msg
}

func TestFlagError(t *testing.T) {
	root := &cobra.Command{Use: "modelbrowser"}
	cmd := &cobra.Command{Use: "search", Run: func(*cobra.Command, []string) {}}
	root.AddCommand(cmd)
	cmd.Flags().Bool("json", false, "")
	cmd.Flags().Int("limit", 50, "")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--bogus"}, "unknown flag --bogus"},
		{[]string{"--bogus=1"}, "unknown flag --bogus"},
		{[]string{"-x"}, "unknown flag -x"},
		{[]string{"-q=1"}, "unknown flag -q"},
		{[]string{"-bogus"}, "unknown flag -bogus"},
		{[]string{"--\x1b]0;pwned\x07"}, "unknown flag --"},
		{[]string{"-\x1b[2Jx"}, "unknown flag -x"},
		{[]string{"-json"}, "unknown flag -json (long flags take two dashes: --json; see 'modelbrowser search --help')"},
		{[]string{"--limit"}, "flag needs an argument: --limit"},
		{[]string{"--limit", "abc"}, `invalid value "abc" for --limit: parse error`},
		{[]string{"--limit=99999999999999999999"}, `invalid value "99999999999999999999" for --limit: value out of range`},
		{[]string{"--json=maybe"}, `invalid boolean value "maybe" for --json (want true or false)`},
	}
	for _, tc := range tests {
		err := cmd.ParseFlags(tc.args)
		require.Error(t, err, "%q", tc.args)
		assert.Equal(t, tc.want, usage(t, FlagError(cmd, err)), "%q", tc.args)
	}
}

func TestFitOverrides(t *testing.T) {
	f := Fit{GPU: "RTX 4090"}
	_, err := f.Overrides()
	assert.Equal(t, "--gpu names the GPU of --vram: give both", usage(t, err))
	f = Fit{Memory: "lots"}
	_, err = f.Overrides()
	assert.Contains(t, usage(t, err), "--memory")
	f = Fit{Memory: "16GiB", VRAM: "8GiB", GPU: "RTX 4090", Ctx: "32k"}
	o, err := f.Overrides()
	require.NoError(t, err)
	assert.Equal(t, "RTX 4090", o.GPU)
	assert.EqualValues(t, 32768, o.Context)
}

func TestArgRules(t *testing.T) {
	assert.NoError(t, NoArgs(nil, nil))
	assert.Equal(t, `unexpected argument "now"`, usage(t, NoArgs(nil, []string{"now", "later"})))
	assert.NoError(t, OneQuery(nil, []string{"qwen"}))
	assert.Equal(t, "one QUERY at most, got 2 words (quote the query)", usage(t, OneQuery(nil, []string{"a", "b"})))
	one := OneRepo("modelbrowser check a/b")
	assert.NoError(t, one(nil, []string{"a/b"}))
	for _, args := range [][]string{nil, {"a/b", "c/d"}} {
		assert.Equal(t, "want exactly one REPO_ID or REPO_ID:LABEL, e.g. modelbrowser check a/b", usage(t, one(nil, args)))
	}
}

func TestTimeout(t *testing.T) {
	cmd := &cobra.Command{Use: "check"}
	var to Timeout
	to.Register(cmd.Flags())
	require.NoError(t, cmd.ParseFlags([]string{"--timeout", "0s"}))
	_, cancel, err := to.Within(t.Context())
	cancel()
	assert.Contains(t, usage(t, err), "--timeout must be more than 0")
	require.NoError(t, cmd.ParseFlags([]string{"--timeout", "2m"}))
	ctx, cancel, err := to.Within(t.Context())
	defer cancel()
	require.NoError(t, err)
	_, ok := ctx.Deadline()
	assert.True(t, ok)
}
