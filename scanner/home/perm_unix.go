//go:build unix

package home

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// openStore opens a file read-only without blocking on a fifo.
func openStore(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}

func isLoop(err error) bool { return errors.Is(err, syscall.ELOOP) }

// readableByMe checks the mode bits against the effective uid and groups
// (for root too: root reads regardless, which Perm.Attrs notes).
func readableByMe(info fs.FileInfo) (byBits, root bool) {
	euid := os.Geteuid()
	root = euid == 0
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return info.Mode().Perm()&0o444 != 0, root
	}
	m := info.Mode().Perm()
	if int(st.Uid) == euid {
		return m&0o400 != 0, root
	}
	groups, _ := os.Getgroups()
	groups = append(groups, os.Getegid())
	for _, g := range groups {
		if uint32(g) == uint32(st.Gid) {
			return m&0o040 != 0, root
		}
	}
	return m&0o004 != 0, root
}
