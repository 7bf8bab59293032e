package hubtesting

import (
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
)

// fakeT records what New reports at cleanup instead of failing the test.
type fakeT struct {
	testing.TB
	errs     []string
	cleanups []func()
}

func (f *fakeT) Helper()                        {}
func (f *fakeT) Cleanup(fn func())              { f.cleanups = append(f.cleanups, fn) }
func (f *fakeT) Errorf(format string, a ...any) { f.errs = append(f.errs, fmt.Sprintf(format, a...)) }
func (f *fakeT) Fatalf(format string, a ...any) { f.Errorf(format, a...); panic("Fatalf") }
func (f *fakeT) end() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

func TestNewChecksExpectationsAndCloses(t *testing.T) {
	tests := map[string]struct {
		request  bool
		wantErrs int
	}{
		"expected request made":   {request: true, wantErrs: 0},
		"expected request missed": {request: false, wantErrs: 1},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ft := &fakeT{TB: t}
			s := New(ft, hubtest.Options{Addr: "0.0.0.0:1"}) // Addr is ignored
			s.Expect(http.MethodGet, "/api/models/openai-community/gpt2")
			if tc.request {
				resp, err := s.Client().Get(s.URL + "/api/models/openai-community/gpt2")
				require.NoError(t, err)
				resp.Body.Close()
				assert.Equal(t, http.StatusOK, resp.StatusCode)
			}
			ft.end()
			assert.Len(t, ft.errs, tc.wantErrs, "%q", ft.errs)
			_, err := http.Get(s.URL + "/api/models")
			assert.Error(t, err, "the server is closed after the test")
		})
	}
}

func TestUnacceptingListenerHangsTheHandshake(t *testing.T) {
	addr := UnacceptingListener(t)
	start := time.Now()
	_, err := net.DialTimeout("tcp", addr, 150*time.Millisecond)
	require.Error(t, err)
	var ne net.Error
	require.ErrorAs(t, err, &ne)
	assert.True(t, ne.Timeout(), "a timeout, not a refusal: %v", err)
	assert.GreaterOrEqual(t, time.Since(start), 100*time.Millisecond)
}
