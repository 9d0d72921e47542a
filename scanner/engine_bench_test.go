//go:build unix

package scanner_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/rules"
	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/dir"
)

// BenchmarkEngineGoroot scans Go's source tree with every built-in rule,
// as `tokenscope scan` does, and reports MB/s of wall time and MB per CPU
// second (which holds on a loaded machine).
func BenchmarkEngineGoroot(b *testing.B) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		b.Skipf("go env GOROOT: %v", err)
	}
	root := filepath.Join(strings.TrimSpace(string(out)), "src")
	set, err := rules.BuiltinSet()
	if err != nil {
		b.Fatal(err)
	}
	eng := scanner.NewEngine(set, scanner.Options{})
	var bytes int64
	cpu0 := cpuTime()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		res, err := eng.Run(context.Background(), dir.New([]string{root}, dir.Options{}))
		if err != nil {
			b.Fatal(err)
		}
		bytes += res.Stats.Bytes
	}
	wall := time.Since(start)
	cpu := cpuTime() - cpu0
	b.ReportMetric(float64(bytes)/1e6/wall.Seconds(), "MB/s")
	if cpu > 0 {
		b.ReportMetric(float64(bytes)/1e6/cpu.Seconds(), "MB/cpu-s")
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
