package binary

// SetBufSize makes the strings reader look at n bytes at a time, until
// the returned func restores the size.
func SetBufSize(n int) (restore func()) {
	old := bufSize
	bufSize = n
	return func() { bufSize = old }
}
