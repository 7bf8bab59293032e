//go:build unix

package cache

import (
	"fmt"
	"os"
	"syscall"
)

// untrusted says why dir must not be used by user uid, or "" when it may:
// a directory that another user owns or could write into could hold forged
// entries, and entry names are predictable. Root's own directories are
// trusted (root can forge anything anyway), as ssh trusts them.
func untrusted(dir string, uid int) string {
	fi, err := os.Stat(dir)
	if err != nil {
		return "" // the probe and the first Put report the disk's failures
	}
	if perm := fi.Mode().Perm(); perm&0o022 != 0 {
		return fmt.Sprintf("writable by other users (mode %04o)", perm)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && uid >= 0 && int64(st.Uid) != int64(uid) && st.Uid != 0 {
		return fmt.Sprintf("owned by another user (uid %d)", st.Uid)
	}
	return ""
}
