package app

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestBuildVersion(t *testing.T) {
	vcs := []debug.BuildSetting{
		{Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
		{Key: "vcs.time", Value: "2026-01-02T03:04:05Z"},
		{Key: "vcs.modified", Value: "true"},
	}
	tests := map[string]struct {
		stamped string
		info    *debug.BuildInfo
		want    string
	}{
		"go install @v1.2.0": {"", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.2.0"}}, "v1.2.0 (go1.26.0)"},
		"a dirty checkout": {"", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}, Settings: vcs},
			"devel (0123456789ab+dirty, 2026-01-02T03:04:05Z, go1.26.0)"},
		"-ldflags -X wins": {"1.3.0-rc1", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.2.0"}, Settings: vcs[:3]},
			"1.3.0-rc1 (0123456789ab, 2026-01-02T03:04:05Z, go1.26.0)"},
		"no build information": {"", nil, "devel"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, buildVersion(tc.stamped, tc.info).String())
		})
	}
}
