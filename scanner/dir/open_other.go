//go:build !unix

package dir

import (
	"fmt"
	"io"
	"os"
)

type fileID struct{ dev, ino uint64 }

func idOf(info os.FileInfo) (fileID, bool) { return fileID{}, false }

func openRegular(path string, follow bool) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	return f, nil
}
