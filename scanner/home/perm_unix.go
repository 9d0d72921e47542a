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

// readableByMe checks the mode bits against the effective uid and groups.
func readableByMe(info fs.FileInfo) (byBits, root bool) {
	euid := os.Geteuid()
	if euid == 0 {
		return true, true
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return info.Mode().Perm()&0o444 != 0, false
	}
	m := info.Mode().Perm()
	if int(st.Uid) == euid {
		return m&0o400 != 0, false
	}
	groups, _ := os.Getgroups()
	groups = append(groups, os.Getegid())
	for _, g := range groups {
		if uint32(g) == uint32(st.Gid) {
			return m&0o040 != 0, false
		}
	}
	return m&0o004 != 0, false
}
