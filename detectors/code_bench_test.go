package detectors_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/detectors"
)

// goSource reads up to limit bytes of Go's own source tree: realistic code
// with essentially no real secrets.
func goSource(b *testing.B, limit int) [][]byte {
	b.Helper()
	root := filepath.Join(runtime.GOROOT(), "src")
	var out [][]byte
	total := 0
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || total >= limit {
			return fs.SkipDir
		}
		if d.IsDir() || !(strings.HasSuffix(p, ".go") || strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".txt")) {
			return nil
		}
		data, err := os.ReadFile(p)
		if err == nil {
			out = append(out, data)
			total += len(data)
		}
		return nil
	})
	if total == 0 {
		b.Skip("no Go source tree found")
	}
	return out
}

// BenchmarkCodeDetectors measures each code detector alone over Go source,
// and reports literal windows per MiB (how selective its literals are) and
// candidates (false positives: the tree holds no real secrets).
func BenchmarkCodeDetectors(b *testing.B) {
	files := goSource(b, 32<<20)
	size := 0
	for _, f := range files {
		size += len(f)
	}
	dets := append(detectors.CodeDetectors(), nil)
	for _, d := range dets {
		name := "all"
		var set *detectors.Set
		var err error
		if d == nil {
			set, err = detectors.NewSet(detectors.CodeDetectors())
		} else {
			name = d.Info().ID
			set, err = detectors.NewSet([]detectors.Detector{counting{d, new(int)}})
		}
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			m := set.NewMatcher()
			b.SetBytes(int64(size))
			found := 0
			for b.Loop() {
				found = 0
				for _, f := range files {
					m.Scan(f, func(detectors.Candidate) { found++ })
				}
			}
			b.ReportMetric(float64(found), "findings")
			if c, ok := set.Detectors()[0].(counting); ok && d != nil {
				b.ReportMetric(float64(*c.windows)/float64(b.N)/(float64(size)/(1<<20)), "windows/MiB")
			}
		})
	}
}

// counting wraps a detector and counts the windows it is shown.
type counting struct {
	detectors.Detector
	windows *int
}

func (c counting) Find(w []byte, emit func(detectors.Candidate)) {
	*c.windows++
	c.Detector.Find(w, emit)
}

// BenchmarkCodeDetectorsAdversarial runs every code detector over inputs
// built to make a careless scanner quadratic: many headers before one
// trailer, many separators, long runs of one keyword.
func BenchmarkCodeDetectorsAdversarial(b *testing.B) {
	inputs := map[string]string{
		"putty-headers": strings.Repeat("PuTTY-User-Key-File-3: x\n", 600) + strings.Repeat("\n", 8000) + "\nPrivate-MAC: x\n",
		"putty-lines":   "PuTTY-User-Key-File-3: x\nPublic-Lines: 9999\n" + strings.Repeat("A\n", 7000) + "Private-MAC: x\n",
		"pem-begins":    strings.Repeat("-----BEGIN RSA PRIVATE KEY-----\n", 400) + strings.Repeat("QUFB\n", 1000) + "-----END RSA PRIVATE KEY-----",
		"pem-quotes":    "-----BEGIN RSA PRIVATE KEY-----\n" + strings.Repeat(`+"`, 5000) + "\n-----END RSA PRIVATE KEY-----",
		"jwt-dots":      strings.Repeat("eyJ.", 4000),
		"uri-schemes":   strings.Repeat("a://", 4000) + strings.Repeat("@", 1000),
		"generic-names": strings.Repeat("password=", 1800),
		"gcp-types":     strings.Repeat(`"type": "service_account",`, 600),
	}
	for name, in := range inputs {
		w := []byte(in)
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(w)))
			for b.Loop() {
				for _, d := range detectors.CodeDetectors() {
					d.Find(w, func(detectors.Candidate) {})
				}
			}
		})
	}
}
