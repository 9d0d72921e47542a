package image

import (
	"path/filepath"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/sourcetest"
)

func TestConformance(t *testing.T) {
	f := buildImage(t)
	p := filepath.Join(t.TempDir(), "app.tar")
	tag, _ := name.NewTag("example.test/app:1")
	if err := tarball.WriteToFile(p, tag, f.img); err != nil {
		t.Fatal(err)
	}
	// layers are read concurrently: their members interleave
	sourcetest.Check(t, func(t *testing.T) scanner.Source { return New([]string{p}, Options{}) }, sourcetest.Unordered())
}
