//go:build !unix

package main

import "errors"

func mkfifo(path string) error { return errors.New("named pipes need a unix system") }
