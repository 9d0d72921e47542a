package binary_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/rules"
	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/binary"
	"github.com/tokenscope/tokenscope/scanner/dir"
)

func TestStringsOfBinaries(t *testing.T) {
	tok := testtoken.New(20).GitHub("ghp_")
	root := t.TempDir()
	elf := append([]byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00"), make([]byte, 600)...)
	elf = append(elf, []byte("\x00\x01GITHUB_TOKEN="+tok+"\x00\x02short\x00")...)
	elf = append(elf, make([]byte, 9000)...)
	if err := os.WriteFile(filepath.Join(root, "app"), elf, 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := rules.BuiltinSet()
	if err != nil {
		t.Fatal(err)
	}
	run := func(x ...scanner.Expander) *scanner.Result {
		res, err := scanner.NewEngine(set, scanner.Options{Workers: 1, Expanders: x}).Run(context.Background(), dir.New([]string{root}, dir.Options{}))
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := run(); len(res.Findings) != 0 || len(res.Skipped) != 1 {
		t.Fatalf("without the expander: %+v", res)
	}
	res := run(binary.Strings())
	if len(res.Findings) != 1 || res.Findings[0].Origin.Path != filepath.Join(root, "app") {
		t.Fatalf("findings %+v skipped %+v", res.Findings, res.Skipped)
	}
	if len(res.Skipped) != 0 {
		t.Errorf("skipped %+v", res.Skipped)
	}
}
