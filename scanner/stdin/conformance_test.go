package stdin_test

import (
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/sourcetest"
	"github.com/tokenscope/tokenscope/scanner/stdin"
)

func TestConformance(t *testing.T) {
	sourcetest.Check(t, func(t *testing.T) scanner.Source {
		return stdin.New(strings.NewReader("A=1\nB=2\n"), `config\prod.env`)
	}, sourcetest.OneItem())
}
