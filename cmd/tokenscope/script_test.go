package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/tokenscope/tokenscope/config"
	"github.com/tokenscope/tokenscope/internal/testtoken"
)

// The script tests run the real binary (this test binary re-executed as
// "tokenscope") over real files. Scripts live in testdata/script/*.txtar
// and never hold a literal token: they generate them with gentoken.
//
// Commands beyond testscript's own:
//
//	gentoken [-a] [-var NAME] FILE TEMPLATE...
//	    Writes each TEMPLATE, expanded by internal/testtoken (for example
//	    'GITHUB_TOKEN={{github ghp_}}'), as one line of FILE (-a appends).
//	    Every generated value is remembered for nosecrets; -var NAME also
//	    sets $NAME to the last value generated. Tokens are seeded by the
//	    script's name, so a script sees the same tokens on every run.
//	nosecrets FILE...
//	    Fails if any value gentoken generated occurs in one of the files
//	    ("stdout" and "stderr" name the last command's output).
//	mkfifo FILE
//	    Makes a named pipe.
//	sparse FILE SIZE [OFFSET TEMPLATE]
//	    Sets the size of FILE to SIZE bytes (25MB, 1GB, ...), keeping what
//	    it holds, so that it grows sparse; optionally writes the expanded
//	    TEMPLATE (and a newline) at OFFSET.
//	filetype FILE regular|fifo|symlink|dir|chardev
//	    Checks the kind of FILE without following a symlink.
//	jsonq FILE PATH WANT
//	    Checks a value in a JSON file: PATH is dot-separated keys and
//	    indexes ("summary.items", "findings.0.rule_id", "findings.len" for a
//	    length).
//
// Conditions beyond testscript's own: [root] (running as uid 0, where file
// permissions do not stop reads).
//
// Every script starts with NO_COLOR=1 (unset it with "env NO_COLOR="),
// $TOKENSCOPE_SRC (the repository's root) and testscript's own
// environment (HOME=/no-home, a fresh $WORK).
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"tokenscope": func() { os.Exit(run(os.Args[1:], systemStreams())) },
	})
}

func TestScripts(t *testing.T) {
	testscript.Run(t, ScriptParams())
}

// ScriptParams are the testscript parameters shared by every script.
func ScriptParams() testscript.Params {
	return testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		RequireUniqueNames:  true,
		Setup:               scriptSetup,
		Condition:           scriptCondition,
		Cmds:                scriptCmds,
		ContinueOnError:     false,
		RequireExplicitExec: false,
	}
}

const genKey = "tokenscope.gen"

type genState struct {
	gen     *testtoken.Gen
	secrets []string
}

func scriptSetup(env *testscript.Env) error {
	// The work directory is named "script-NAME": seeding by it makes a
	// failing script reproducible.
	h := fnv.New64a()
	h.Write([]byte(filepath.Base(env.WorkDir)))
	env.Values[genKey] = &genState{gen: testtoken.New(h.Sum64())}
	env.Setenv("NO_COLOR", "1")
	// the repository's root, for scripts that run its shell scripts
	// (scripts/action/*.sh)
	if wd, err := os.Getwd(); err == nil {
		env.Setenv("TOKENSCOPE_SRC", filepath.Clean(filepath.Join(wd, "..", "..")))
	}
	return nil
}

func scriptCondition(cond string) (bool, error) {
	switch cond {
	case "root":
		return os.Geteuid() == 0, nil
	}
	return false, fmt.Errorf("unknown condition %q", cond)
}

var scriptCmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	"gentoken":  cmdGentoken,
	"nosecrets": cmdNosecrets,
	"mkfifo":    cmdMkfifo,
	"sparse":    cmdSparse,
	"filetype":  cmdFiletype,
	"jsonq":     cmdJSONQ,
}

var directiveRe = regexp.MustCompile(`\{\{[^{}]*\}\}`)

// expand expands a template directive by directive, remembering each
// generated value.
func expand(ts *testscript.TestScript, tmpl string) (string, string) {
	st := ts.Value(genKey).(*genState)
	var last string
	var err error
	out := directiveRe.ReplaceAllStringFunc(tmpl, func(d string) string {
		v, e := st.gen.Expand(d)
		if e != nil {
			err = e
			return ""
		}
		st.secrets = append(st.secrets, v)
		last = v
		return v
	})
	if err != nil {
		ts.Fatalf("gentoken: %v", err)
	}
	return out, last
}

func cmdGentoken(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! gentoken")
	}
	appendMode := false
	varName := ""
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "-a":
			appendMode = true
			args = args[1:]
		case "-var":
			if len(args) < 2 {
				ts.Fatalf("usage: gentoken [-a] [-var NAME] FILE TEMPLATE...")
			}
			varName = args[1]
			args = args[2:]
		default:
			ts.Fatalf("gentoken: unknown flag %s", args[0])
		}
	}
	if len(args) < 2 {
		ts.Fatalf("usage: gentoken [-a] [-var NAME] FILE TEMPLATE...")
	}
	var buf bytes.Buffer
	var last string
	for _, tmpl := range args[1:] {
		line, l := expand(ts, tmpl)
		if l != "" {
			last = l
		}
		buf.WriteString(line)
		buf.WriteByte('\n')
	}
	path := ts.MkAbs(args[0])
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		ts.Fatalf("gentoken: %v", err)
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if appendMode {
		flags = os.O_WRONLY | os.O_CREATE | os.O_APPEND
	}
	f, err := os.OpenFile(path, flags, 0o644)
	ts.Check(err)
	_, err = f.Write(buf.Bytes())
	ts.Check(err)
	ts.Check(f.Close())
	if varName != "" {
		ts.Setenv(varName, last)
	}
}

func cmdNosecrets(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! nosecrets")
	}
	if len(args) == 0 {
		ts.Fatalf("usage: nosecrets FILE...")
	}
	st := ts.Value(genKey).(*genState)
	if len(st.secrets) == 0 {
		ts.Fatalf("nosecrets: no secret was generated, nothing to check")
	}
	for _, name := range args {
		data := ts.ReadFile(name)
		for _, s := range st.secrets {
			if len(s) < 8 {
				continue
			}
			if strings.Contains(data, s) {
				ts.Fatalf("%s holds a raw secret (%d bytes, starting %.4s)", name, len(s), s)
			}
		}
	}
}

func cmdSparse(ts *testscript.TestScript, neg bool, args []string) {
	if neg || (len(args) != 2 && len(args) != 4) {
		ts.Fatalf("usage: sparse FILE SIZE [OFFSET TEMPLATE]")
	}
	size, err := config.ParseSize(args[1])
	ts.Check(err)
	path := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(filepath.Dir(path), 0o755))
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o644)
	ts.Check(err)
	ts.Check(f.Truncate(size))
	if len(args) == 4 {
		off, err := config.ParseSize(args[2])
		if args[2] == "0" {
			off, err = 0, nil
		}
		ts.Check(err)
		line, _ := expand(ts, args[3])
		_, err = f.WriteAt([]byte(line+"\n"), off)
		ts.Check(err)
	}
	ts.Check(f.Close())
}

func cmdFiletype(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: filetype FILE regular|fifo|symlink|dir|chardev")
	}
	info, err := os.Lstat(ts.MkAbs(args[0]))
	ts.Check(err)
	m := info.Mode()
	var got string
	switch {
	case m.IsRegular():
		got = "regular"
	case m&os.ModeSymlink != 0:
		got = "symlink"
	case m&os.ModeNamedPipe != 0:
		got = "fifo"
	case m.IsDir():
		got = "dir"
	case m&os.ModeCharDevice != 0:
		got = "chardev"
	default:
		got = m.String()
	}
	if (got == args[1]) == neg {
		ts.Fatalf("%s is a %s (want %s%s)", args[0], got, map[bool]string{true: "not ", false: ""}[neg], args[1])
	}
}

func cmdJSONQ(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: jsonq FILE PATH WANT")
	}
	got, err := jsonLookup([]byte(ts.ReadFile(args[0])), args[1])
	if err != nil {
		ts.Fatalf("jsonq %s: %v", args[1], err)
	}
	if (got == args[2]) == neg {
		ts.Fatalf("jsonq %s %s: got %q, want %s%q", args[0], args[1], got, map[bool]string{true: "not ", false: ""}[neg], args[2])
	}
}

// jsonLookup follows a dot-separated path into a JSON document and prints
// the value found: strings bare, other values as JSON; "len" gives the
// length of an array (or of an object without a "len" key).
func jsonLookup(doc []byte, path string) (string, error) {
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		return "", err
	}
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			val, ok := x[k]
			if !ok && k == "len" {
				return strconv.Itoa(len(x)), nil
			}
			if !ok {
				return "", fmt.Errorf("no key %q", k)
			}
			v = val
		case []any:
			if k == "len" {
				return strconv.Itoa(len(x)), nil
			}
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(x) {
				return "", fmt.Errorf("no index %q (length %d)", k, len(x))
			}
			v = x[i]
		default:
			return "", fmt.Errorf("%q: not an object or array", k)
		}
	}
	if s, ok := v.(string); ok {
		return s, nil
	}
	b, err := json.Marshal(v)
	return string(b), err
}

func cmdMkfifo(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: mkfifo FILE")
	}
	ts.Check(mkfifo(ts.MkAbs(args[0])))
}
