package binary_test

import (
	"bytes"
	"context"
	"debug/pe"
	encbinary "encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/rules"
	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/binary"
	"github.com/tokenscope/tokenscope/scanner/dir"
)

var le = encbinary.LittleEndian

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
	// the finding is where the token's bytes are in the file
	f := res.Findings[0]
	off := bytes.Index(elf, []byte(tok))
	if f.Offset != int64(off) || f.Line != 1 || f.Column != off+1 || f.EndLine != 1 || f.EndColumn != off+1+len(tok) || f.Key != "GITHUB_TOKEN" {
		t.Errorf("finding at offset %d, %d:%d-%d:%d, key %q; the token is at offset %d", f.Offset, f.Line, f.Column, f.EndLine, f.EndColumn, f.Key, off)
	}
}

// utf16le is s (ASCII) in UTF-16LE.
func utf16le(s string) []byte {
	var b []byte
	for _, c := range []byte(s) {
		b = append(b, c, 0)
	}
	return b
}

// buildPE writes a minimal PE32+ file (one section, .rsrc, holding
// rsrc), as debug/pe reads it.
func buildPE(t *testing.T, rsrc []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	dos := make([]byte, 0x40)
	copy(dos, "MZ")
	le.PutUint32(dos[0x3c:], 0x40)
	b.Write(dos)
	b.WriteString("PE\x00\x00")
	const fileAlign = 0x200
	raw := (len(rsrc) + fileAlign - 1) / fileAlign * fileAlign
	w := func(v any) {
		if err := encbinary.Write(&b, le, v); err != nil {
			t.Fatal(err)
		}
	}
	w(pe.FileHeader{Machine: pe.IMAGE_FILE_MACHINE_AMD64, NumberOfSections: 1, SizeOfOptionalHeader: 240, Characteristics: pe.IMAGE_FILE_EXECUTABLE_IMAGE | pe.IMAGE_FILE_LARGE_ADDRESS_AWARE})
	w(pe.OptionalHeader64{Magic: 0x20b, ImageBase: 0x140000000, SectionAlignment: 0x1000, FileAlignment: fileAlign,
		MajorSubsystemVersion: 6, SizeOfImage: 0x2000, SizeOfHeaders: fileAlign, Subsystem: pe.IMAGE_SUBSYSTEM_WINDOWS_GUI,
		NumberOfRvaAndSizes: 16, DataDirectory: [16]pe.DataDirectory{pe.IMAGE_DIRECTORY_ENTRY_RESOURCE: {VirtualAddress: 0x1000, Size: uint32(len(rsrc))}}})
	w(pe.SectionHeader32{Name: [8]uint8{'.', 'r', 's', 'r', 'c'}, VirtualSize: uint32(len(rsrc)), VirtualAddress: 0x1000,
		SizeOfRawData: uint32(raw), PointerToRawData: fileAlign, Characteristics: pe.IMAGE_SCN_CNT_INITIALIZED_DATA | pe.IMAGE_SCN_MEM_READ})
	b.Write(make([]byte, fileAlign-b.Len()))
	b.Write(rsrc)
	b.Write(make([]byte, raw-len(rsrc)))
	return b.Bytes()
}

// A token stored as UTF-16LE (a PE's string resources, a .NET string
// heap) is found, at its bytes in the file.
func TestStringsUTF16InPE(t *testing.T) {
	tok := testtoken.New(21).GitHub("ghp_")
	// version-info strings, as in .rsrc: wLength, wValueLength, wType
	// (1: text), then the key and the value, NUL-terminated UTF-16LE
	var rsrc []byte
	for _, kv := range [][2]string{{"CompanyName", "Example Corp"}, {"ApiToken", tok}, {"FileVersion", "1.0.0.0"}} {
		k, v := utf16le(kv[0]+"\x00"), utf16le(kv[1]+"\x00")
		rsrc = le.AppendUint16(rsrc, uint16(6+len(k)+len(v)))
		rsrc = le.AppendUint16(rsrc, uint16(len(v)/2))
		rsrc = le.AppendUint16(rsrc, 1)
		rsrc = append(append(rsrc, k...), v...)
	}
	rsrc = append(append(make([]byte, 64), '\n', 0x90, 0x90, '\n'), rsrc...) // two newline bytes before it
	img := buildPE(t, rsrc)
	pf, err := pe.NewFile(bytes.NewReader(img))
	if err != nil {
		t.Fatal(err)
	}
	data, err := pf.Section(".rsrc").Data()
	if err != nil || !bytes.Contains(data, utf16le(tok)) {
		t.Fatalf("the PE does not hold the token: %v", err)
	}
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "app.exe"), img, 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := rules.BuiltinSet()
	if err != nil {
		t.Fatal(err)
	}
	res, err := scanner.NewEngine(set, scanner.Options{Workers: 1, Expanders: []scanner.Expander{binary.Strings()}}).Run(context.Background(), dir.New([]string{root}, dir.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 || res.Findings[0].RuleID != "github-classic-pat" {
		t.Fatalf("findings %+v skipped %+v", res.Findings, res.Skipped)
	}
	f := res.Findings[0]
	off := bytes.Index(img, utf16le(tok))
	line := 1 + bytes.Count(img[:off], []byte("\n"))
	col := off - bytes.LastIndexByte(img[:off], '\n')
	if line != 3 {
		t.Fatalf("the fixture has %d lines before the token", line)
	}
	if f.Offset != int64(off) || f.Line != line || f.Column != col || f.EndLine != line || f.EndColumn != col+2*len(tok) {
		t.Errorf("finding at offset %d, %d:%d-%d:%d; the token is at offset %d, %d:%d-%d:%d", f.Offset, f.Line, f.Column, f.EndLine, f.EndColumn, off, line, col, line, col+2*len(tok))
	}
}

// refRun is a run as the plain definition finds it.
type refRun struct {
	start, width int
	text         string
}

// refRuns is the plain definition: runs of at least MinRun printable
// bytes (ASCII 0x20-0x7e and tab), and runs of at least MinRun UTF-16LE
// characters of those (each followed by a NUL byte) at any alignment,
// in the order they start.
func refRuns(b []byte) []refRun {
	print := func(c byte) bool { return c >= 0x20 && c < 0x7f || c == '\t' }
	var runs []refRun
	for i := 0; i < len(b); {
		j := i
		for j < len(b) && print(b[j]) {
			j++
		}
		if j-i >= binary.MinRun {
			runs = append(runs, refRun{i, 1, string(b[i:j])})
		}
		i = j + 1
	}
	for par := 0; par < 2; par++ {
		for i := par; i+1 < len(b); {
			j := i
			var text []byte
			for j+1 < len(b) && print(b[j]) && b[j+1] == 0 {
				text = append(text, b[j])
				j += 2
			}
			if len(text) >= binary.MinRun {
				runs = append(runs, refRun{i, 2, string(text)})
			}
			i = j + 2
		}
	}
	slices.SortFunc(runs, func(a, b refRun) int { return a.start - b.start })
	return runs
}

func refStrings(runs []refRun) string {
	var out strings.Builder
	for _, r := range runs {
		out.WriteString(r.text + "\n")
	}
	return out.String()
}

// randomBinary mixes ASCII runs, UTF-16LE runs (some long enough to
// cross reads), zeros, control bytes and newlines.
func randomBinary(r *rand.Rand, n, long int) []byte {
	var b []byte
	for len(b) < n {
		k := r.IntN(2 * binary.MinRun)
		if r.IntN(5) == 0 {
			k = r.IntN(long) // runs longer than one read
		}
		utf := r.IntN(3) == 0
		for i := 0; i < k; i++ {
			b = append(b, byte(0x20+r.IntN(0x5f)))
			if utf {
				b = append(b, 0)
			}
		}
		for i := r.IntN(4); i >= 0; i-- {
			b = append(b, []byte{byte(r.IntN(0x20)), 0x7f, 0xff, 0, '\n'}[r.IntN(5)])
		}
	}
	return b
}

func TestStringsRunsAcrossReads(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 600; round++ {
		n, long, buf := 3000, 70000, 64<<10
		if round%3 != 0 {
			// a small buffer: runs cross reads and fill it often
			n, long, buf = 400, 300, 3*binary.MinRun+r.IntN(200)
		}
		restore := binary.SetBufSize(buf)
		b := randomBinary(r, n, long)
		runs := refRuns(b)
		want := refStrings(runs)
		for _, in := range []io.Reader{bytes.NewReader(b), iotest.OneByteReader(bytes.NewReader(b)), iotest.HalfReader(bytes.NewReader(b)), iotest.DataErrReader(bytes.NewReader(b))} {
			var got []byte
			err := binary.Strings().Expand(context.Background(), in, func(name string, rr io.Reader) error {
				var err error
				got, err = io.ReadAll(iotest.HalfReader(rr))
				if err != nil {
					return err
				}
				// every run's characters map back to their bytes
				pos := rr.(scanner.Positioner)
				out := int64(0)
				for _, run := range runs {
					for _, k := range []int{0, len(run.text) / 2, len(run.text) - 1} {
						off := run.start + k*run.width
						line := 1 + bytes.Count(b[:off], []byte("\n"))
						col := off - (bytes.LastIndexByte(b[:off], '\n') + 1) + 1
						want := scanner.Position{Offset: int64(off), Line: line, Column: col, Width: run.width}
						if p := pos.Position(out + int64(k)); p != want {
							return fmt.Errorf("run at %d (width %d), char %d: position %+v, want %+v", run.start, run.width, k, p, want)
						}
					}
					out += int64(len(run.text)) + 1
				}
				return nil
			})
			if err != nil || string(got) != want {
				t.Fatalf("round %d (buffer %d): %d bytes of strings, want %d (err %v)\n%q\n%q", round, buf, len(got), len(want), err, got, want)
			}
		}
		restore()
	}
}

// Positions hold across the engine's chunks (which release them as they
// go): tokens far apart in a binary, ASCII and UTF-16LE, each at its bytes.
func TestStringsPositionsAcrossChunks(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	img := []byte("\x7fELF\x02\x01\x01\x00")
	var toks []string
	for i := 0; i < 6; i++ {
		img = append(img, randomBinary(r, 50_000, 300)...)
		tok := testtoken.New(uint64(30 + i)).GitHub("ghp_")
		toks = append(toks, tok)
		if i%2 == 0 {
			img = append(append(append(img, 0), "token="+tok...), 0)
		} else {
			img = append(append(append(img, 1, 0), utf16le("token="+tok)...), 0, 0)
		}
	}
	set, err := rules.BuiltinSet()
	if err != nil {
		t.Fatal(err)
	}
	e := scanner.NewEngine(set, scanner.Options{Workers: 1, ChunkSize: 8 << 10, Expanders: []scanner.Expander{binary.Strings()}})
	fs := e.ScanBytes(scanner.Origin{Kind: scanner.KindFile, Path: "bin"}, img)
	found := map[int64]bool{}
	for _, f := range fs {
		found[f.Offset] = true
		if !bytes.HasPrefix(img[f.Offset:], []byte("ghp_")) && !bytes.HasPrefix(img[f.Offset:], utf16le("ghp_")) {
			t.Errorf("finding %s at offset %d, where the file holds %q", f.RuleID, f.Offset, img[f.Offset:min(len(img), int(f.Offset)+8)])
		}
		if line := 1 + bytes.Count(img[:f.Offset], []byte("\n")); f.Line != line {
			t.Errorf("finding at offset %d on line %d, want %d", f.Offset, f.Line, line)
		}
	}
	for i, tok := range toks {
		off := bytes.Index(img, []byte(tok))
		if i%2 == 1 {
			off = bytes.Index(img, utf16le(tok))
		}
		if !found[int64(off)] {
			t.Errorf("token %d (at offset %d) not found at its place: %d findings", i, off, len(fs))
		}
	}
}
