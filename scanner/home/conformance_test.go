package home_test

import (
	"testing"

	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/home"
	"github.com/tokenscope/tokenscope/scanner/sourcetest"
)

func TestConformance(t *testing.T) {
	dir := t.TempDir()
	if _, err := testtoken.New(31).WriteFakeHome(dir); err != nil {
		t.Fatal(err)
	}
	sourcetest.Check(t, func(t *testing.T) scanner.Source { return home.New(home.Options{Home: dir}) })
}
