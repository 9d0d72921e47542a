package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// outputTarget resolves -o: a symlink is written through (the file it
// names, or for a dangling link the file it would name).
func outputTarget(path string) string {
	info, err := os.Lstat(path)
	if err != nil || info.Mode()&os.ModeSymlink == 0 {
		return path
	}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		return real
	}
	if dest, err := os.Readlink(path); err == nil {
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(path), dest)
		}
		return dest
	}
	return path
}

// pathErr names the user's path and the bare reason, never the temporary
// file the reason may have come from.
func pathErr(what, path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		err = le.Err
	}
	return fmt.Errorf("%s %s: %w", what, path, err)
}

// checkOutput fails early, before any scanning, when the -o target cannot
// be written: an existing file that cannot be opened for writing, or a
// directory where no file can be created (the report replaces a regular
// file through a file created beside it). Special files (fifos, devices)
// are not opened here: opening a fifo blocks until a reader comes.
func checkOutput(path string) error {
	if path == "" || path == "-" {
		return nil
	}
	target := outputTarget(path)
	info, err := os.Stat(target)
	switch {
	case err == nil && info.IsDir():
		return fmt.Errorf("report file %s: is a directory", path)
	case err == nil && !info.Mode().IsRegular():
		return nil
	case err == nil:
		f, err := os.OpenFile(target, os.O_WRONLY, 0) // no O_TRUNC: the old report stays until the new one is done
		if err != nil {
			return pathErr("report file", path, err)
		}
		f.Close()
	case !errors.Is(err, fs.ErrNotExist):
		return pathErr("report file", path, err)
	}
	tmp, err := createBeside(target, 0o600)
	if err != nil {
		return pathErr("report file", path, err)
	}
	tmp.Close()
	os.Remove(tmp.Name())
	return nil
}

// createBeside creates a new, uniquely named file in target's directory
// with perm (the umask applies).
func createBeside(target string, perm os.FileMode) (*os.File, error) {
	var b [8]byte
	for {
		if _, err := rand.Read(b[:]); err != nil {
			return nil, err
		}
		name := filepath.Join(filepath.Dir(target), ".tokenscope-report-"+hex.EncodeToString(b[:]))
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
}

// writeOutput writes a finished report to path. A symlink is written
// through: the file it names gets the report and the link stays. A special
// file (/dev/null, a fifo) is opened and written, never replaced. A regular
// file is replaced atomically (a file created beside it, renamed over it),
// so a report is never left half-written, and the replacement keeps the
// old file's mode (and, when running as root, its owner and group). A new
// file is created 0644 less the umask. With secrets in the report the file
// is never readable by group or others: new ones are 0600, and an existing
// file loses its group and other bits.
func writeOutput(path string, data []byte, secrets bool) error {
	target := outputTarget(path)
	info, statErr := os.Stat(target)
	if statErr == nil && !info.Mode().IsRegular() {
		f, err := os.OpenFile(target, os.O_WRONLY|os.O_TRUNC, 0)
		if err != nil {
			// some devices refuse O_TRUNC
			f, err = os.OpenFile(target, os.O_WRONLY, 0)
			if err != nil {
				return pathErr("opening", path, err)
			}
		}
		if _, err := f.Write(data); err != nil {
			f.Close()
			return pathErr("writing", path, err)
		}
		return f.Close()
	}
	perm := os.FileMode(0o644)
	if secrets {
		perm = 0o600
	}
	tmp, err := createBeside(target, perm)
	if err != nil {
		return pathErr("writing", path, err)
	}
	defer os.Remove(tmp.Name())
	fail := func(err error) error {
		tmp.Close()
		return pathErr("writing", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fail(err)
	}
	if statErr == nil {
		mode := info.Mode().Perm()
		if secrets {
			mode &^= 0o077
		}
		if err := tmp.Chmod(mode); err != nil {
			return fail(err)
		}
		if err := keepOwner(tmp, info); err != nil {
			return fail(err)
		}
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return pathErr("writing", path, err)
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return pathErr("writing", path, err)
	}
	return nil
}
