//go:build !unix

package home

import (
	"io/fs"
	"os"
)

func openStore(path string) (*os.File, error) { return os.Open(path) }

func isLoop(err error) bool { return false }

func readableByMe(info fs.FileInfo) (byBits, root bool) {
	return info.Mode().Perm()&0o444 != 0, false
}
