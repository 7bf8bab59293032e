package app

import (
	"runtime/debug"
	"strings"
)

// BuildVersion is what the program says of its own build.
type BuildVersion struct {
	// Version is the -ldflags -X value when set, else the main module's
	// version from the build information (vX.Y.Z for `go install
	// ...@vX.Y.Z`), else "devel".
	Version string
	// Revision is the VCS commit, cut to 12 characters; Time its date
	// (RFC 3339); Dirty reports uncommitted changes in the build.
	Revision, Time string
	Dirty          bool
	// Go is the Go version the binary was built with.
	Go string
}

// ReadBuildVersion reads the build information of the running binary;
// stamped, when not "", is the -ldflags -X value, which wins.
func ReadBuildVersion(stamped string) BuildVersion {
	info, _ := debug.ReadBuildInfo()
	return buildVersion(stamped, info)
}

func buildVersion(stamped string, info *debug.BuildInfo) BuildVersion {
	v := BuildVersion{Version: stamped}
	if info == nil {
		if v.Version == "" {
			v.Version = "devel"
		}
		return v
	}
	v.Go = info.GoVersion
	if v.Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		v.Version = info.Main.Version
	}
	if v.Version == "" {
		v.Version = "devel"
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value[:min(12, len(s.Value))]
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Dirty = s.Value == "true"
		}
	}
	return v
}

// String is the version line: "v1.2.0 (0123456789ab+dirty, 2026-01-02T03:04:05Z, go1.26.0)".
func (v BuildVersion) String() string {
	var parts []string
	if v.Revision != "" {
		rev := v.Revision
		if v.Dirty {
			rev += "+dirty"
		}
		parts = append(parts, rev)
	}
	if v.Time != "" {
		parts = append(parts, v.Time)
	}
	if v.Go != "" {
		parts = append(parts, v.Go)
	}
	if len(parts) == 0 {
		return v.Version
	}
	return v.Version + " (" + strings.Join(parts, ", ") + ")"
}
