//go:build !unix

package main

import "os"

// keepOwner: file ownership is a unix notion.
func keepOwner(f *os.File, old os.FileInfo) error { return nil }
