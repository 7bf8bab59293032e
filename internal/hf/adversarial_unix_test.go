//go:build unix

package hf

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// HF_TOKEN_PATH naming a FIFO, /dev/zero or a huge file is refused at once
// with a one-line error naming the variable: the read never blocks (a FIFO
// with no writer) and never grows without bound (/dev/zero). A symlink to
// a regular file (how mounted secrets appear) still works.
func TestTokenFileHostile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	big := filepath.Join(dir, "big")
	require.NoError(t, os.WriteFile(big, []byte("hf_"+strings.Repeat("a", MaxTokenFileBytes)), 0o600))
	good := filepath.Join(dir, "good")
	require.NoError(t, os.WriteFile(good, []byte("hf_fromfile\n"), 0o600))
	link := filepath.Join(dir, "link")
	require.NoError(t, os.Symlink(good, link))
	exact := filepath.Join(dir, "exact")
	require.NoError(t, os.WriteFile(exact, []byte(strings.Repeat("a", MaxTokenFileBytes)), 0o600))

	tests := map[string]struct{ path, token, errContains string }{
		"fifo":          {path: fifo, errContains: "not a regular file"},
		"/dev/zero":     {path: "/dev/zero", errContains: "not a regular file"},
		"over 4 KiB":    {path: big, errContains: "larger than"},
		"exactly 4 KiB": {path: exact, token: strings.Repeat("a", MaxTokenFileBytes)},
		"regular":       {path: good, token: "hf_fromfile"},
		"symlink":       {path: link, token: "hf_fromfile"},
		"missing":       {path: filepath.Join(dir, "none")},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			type result struct {
				cfg Config
				err error
			}
			done := make(chan result, 1)
			go func() {
				cfg, err := ConfigFromEnv(func(k string) string {
					if k == "HF_TOKEN_PATH" {
						return tc.path
					}
					return ""
				}, ReadTokenFile)
				done <- result{cfg, err}
			}()
			var r result
			select {
			case r = <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("reading the token file blocked")
			}
			if tc.errContains != "" {
				require.Error(t, r.err)
				assert.Contains(t, r.err.Error(), tc.errContains)
				assert.Contains(t, r.err.Error(), tc.path)
				assert.NotContains(t, r.err.Error(), "\n")
				return
			}
			require.NoError(t, r.err)
			assert.Equal(t, tc.token, r.cfg.Token)
		})
	}
}
