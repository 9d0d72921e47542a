package home

import (
	"fmt"
	"io/fs"
	"os"
)

// Perm is what a file's mode says about who can read it, and whether the
// current user could open it.
type Perm struct {
	Mode fs.FileMode
	// Opened is set when the current user opened the file.
	Opened bool
	// ByBits is whether the mode bits, owner and groups grant the current
	// user read access (root is always granted).
	ByBits bool
	// Root is set when the current user is root.
	Root bool
}

// PermOf checks a file's permissions for the current user. opened says
// whether opening it succeeded.
func PermOf(info fs.FileInfo, opened bool) Perm {
	p := Perm{Mode: info.Mode().Perm(), Opened: opened}
	p.ByBits, p.Root = readableByMe(info)
	return p
}

// Check stats and opens path (following links) and reports its Perm; ok
// is false when path cannot be examined.
func Check(path string) (Perm, bool) {
	info, err := os.Stat(path)
	if err != nil || !info.Mode().IsRegular() {
		return Perm{}, false
	}
	f, err := openStore(path)
	opened := err == nil
	if opened {
		f.Close()
	}
	return PermOf(info, opened), true
}

// ReadableBy says who the mode bits let read the file: "owner only",
// "owner and group" or "every local user".
func (p Perm) ReadableBy() string {
	switch {
	case p.Mode&0o004 != 0:
		return "every local user"
	case p.Mode&0o040 != 0:
		return "owner and group"
	}
	return "owner only"
}

// Readable is the verdict: the current user can read the file.
func (p Perm) Readable() bool { return p.Opened }

// Attrs are the facts a finding carries about its file.
func (p Perm) Attrs() map[string]string {
	m := map[string]string{
		"file_mode":   fmt.Sprintf("%04o", uint32(p.Mode)),
		"readable_by": p.ReadableBy(),
	}
	switch {
	case p.Opened && p.Root && !p.ByBits:
		m["readable"] = "yes (as root, despite the mode)"
	case p.Opened:
		m["readable"] = "yes"
	default:
		m["readable"] = "no"
	}
	return m
}

func withPerm(attrs map[string]string, p Perm) map[string]string {
	if attrs == nil {
		attrs = map[string]string{}
	}
	for k, v := range p.Attrs() {
		if _, ok := attrs[k]; !ok {
			attrs[k] = v
		}
	}
	return attrs
}
