package env_test

import (
	"testing"

	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/env"
	"github.com/tokenscope/tokenscope/scanner/sourcetest"
)

func TestConformance(t *testing.T) {
	sourcetest.Check(t, func(t *testing.T) scanner.Source {
		return env.New([]string{"PATH=/usr/bin", "DB_PASSWORD=not-a-real-one", "EDITOR=vi", "HOME=/root"})
	})
}
