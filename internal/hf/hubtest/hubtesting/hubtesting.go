// Package hubtesting holds the test helpers of the fake Hub (package
// hubtest): starting one for a test, closed and checked when the test ends,
// and a loopback socket that never accepts. It is imported only by _test.go
// files; hubtest itself stays free of the testing package so programs can
// serve it.
package hubtesting

import (
	"testing"

	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
)

// New starts a fake Hub on loopback for a test and closes it when the test
// ends. At that point every request announced with Server.Expect must have
// happened. opts.Addr is ignored (any free loopback port).
func New(t testing.TB, opts ...hubtest.Options) *hubtest.Server {
	t.Helper()
	var o hubtest.Options
	if len(opts) > 0 {
		o = opts[0]
	}
	o.Addr = ""
	s, err := hubtest.NewServer(o)
	if err != nil {
		t.Fatalf("hubtest: %v", err)
	}
	t.Cleanup(func() {
		for _, miss := range s.Unmet() {
			t.Errorf("hubtest: expected request did not happen: %s", miss)
		}
		s.Close()
	})
	return s
}
