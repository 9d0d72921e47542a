package home

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// A leaf is one scalar value of a structured file with the keys leading to
// it from the root (array elements are named by their index) and its
// 1-based line (0 when unknown).
type leaf struct {
	path  []string
	value string
	line  int
}

func (l leaf) key() string {
	if len(l.path) == 0 {
		return ""
	}
	return l.path[len(l.path)-1]
}

func (l leaf) dotted() string { return strings.Join(l.path, ".") }

func clonePath(p []string) []string { return append([]string(nil), p...) }

// lineAt returns the 1-based line holding byte offset off.
func lineAt(data []byte, off int) int {
	if off > len(data) {
		off = len(data)
	}
	if off < 0 {
		off = 0
	}
	return bytes.Count(data[:off], []byte{'\n'}) + 1
}

// forwardLines gives lineAt for offsets that never decrease, counting
// each byte once.
type forwardLines struct {
	data []byte
	pos  int
	line int
}

func (f *forwardLines) at(off int) int {
	off = min(max(off, 0), len(f.data))
	if off > f.pos {
		f.line += bytes.Count(f.data[f.pos:off], []byte{'\n'})
		f.pos = off
	}
	return f.line
}

// locate finds the first place value appears in data, raw or JSON-escaped,
// and returns its 1-based line and column; 0, 0 when it does not appear.
func locate(data []byte, value string) (int, int) {
	if value == "" {
		return 0, 0
	}
	i := bytes.Index(data, []byte(value))
	if i < 0 {
		enc, _ := json.Marshal(value)
		if len(enc) > 2 {
			i = bytes.Index(data, enc[1:len(enc)-1])
		}
	}
	if i < 0 {
		return 0, 0
	}
	line := lineAt(data, i)
	start := bytes.LastIndexByte(data[:i], '\n') + 1
	return line, i - start + 1
}

// jsonLeaves walks a JSON document's string values (numbers and booleans
// hold no credentials) in document order.
func jsonLeaves(data []byte) ([]leaf, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var out []leaf
	// leaves come in document order: count lines forward, once, instead
	// of from the start for each leaf (quadratic on large files)
	lines := forwardLines{data: data, line: 1}
	var walk func(path []string, depth int) error
	walk = func(path []string, depth int) error {
		if depth > 64 {
			return errDepth
		}
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				for dec.More() {
					kt, err := dec.Token()
					if err != nil {
						return err
					}
					k, _ := kt.(string)
					if err := walk(append(path, k), depth+1); err != nil {
						return err
					}
				}
				_, err = dec.Token()
				return err
			case '[':
				for i := 0; dec.More(); i++ {
					if err := walk(append(path, strconv.Itoa(i)), depth+1); err != nil {
						return err
					}
				}
				_, err = dec.Token()
				return err
			}
		case string:
			out = append(out, leaf{path: clonePath(path), value: t, line: lines.at(int(dec.InputOffset()))})
		}
		return nil
	}
	if err := walk(nil, 0); err != nil {
		return out, err
	}
	return out, nil
}

type depthError struct{}

func (depthError) Error() string { return "nested too deeply" }

var errDepth = depthError{}

// yamlLeaves walks a YAML document's scalar values.
func yamlLeaves(data []byte) ([]leaf, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, err
	}
	var out []leaf
	var walk func(n *yaml.Node, path []string, depth int)
	walk = func(n *yaml.Node, path []string, depth int) {
		if n == nil || depth > 64 {
			return
		}
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, path, depth+1)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				walk(n.Content[i+1], append(path, n.Content[i].Value), depth+1)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, append(path, strconv.Itoa(i)), depth+1)
			}
		case yaml.ScalarNode:
			out = append(out, leaf{path: clonePath(path), value: n.Value, line: n.Line})
		}
	}
	walk(&root, nil, 0)
	return out, nil
}

// iniLeaves reads INI-style files (AWS, pypirc, databrickscfg, my.cnf,
// npmrc): [section] headers, key = value or key: value, ; and # comments.
// Keys outside any section have a one-element path.
func iniLeaves(data []byte) []leaf {
	var out []leaf
	section := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == ';' || line[0] == '#' {
			continue
		}
		if line[0] == '[' && strings.HasSuffix(line, "]") {
			section = strings.TrimSpace(line[1 : len(line)-1])
			continue
		}
		i := strings.IndexByte(line, '=')
		if i < 0 {
			i = strings.IndexByte(line, ':')
		}
		if i <= 0 {
			continue
		}
		k := strings.TrimSpace(line[:i])
		v := unquote(strings.TrimSpace(line[i+1:]))
		path := []string{k}
		if section != "" {
			path = []string{section, k}
		}
		out = append(out, leaf{path: path, value: v, line: n})
	}
	return out
}

func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' && v[len(v)-1] == '"' || v[0] == '\'' && v[len(v)-1] == '\'') {
		if v[0] == '"' {
			if u, err := strconv.Unquote(v); err == nil {
				return u
			}
		}
		return v[1 : len(v)-1]
	}
	return v
}

// tomlLeaves reads the part of TOML that credential files use: [tables]
// and [[arrays of tables]] with dotted and quoted names, key = "string"
// (basic or literal), single-line arrays of strings and inline tables of
// strings. Other values are skipped.
func tomlLeaves(data []byte) []leaf {
	var out []leaf
	var table []string
	arrays := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		if strings.HasPrefix(line, "[[") {
			end := strings.Index(line, "]]")
			if end < 0 {
				continue
			}
			name := tomlKey(line[2:end])
			k := strings.Join(name, ".")
			idx := arrays[k]
			arrays[k] = idx + 1
			table = append(name, strconv.Itoa(idx))
			continue
		}
		if line[0] == '[' {
			end := strings.LastIndexByte(line, ']')
			if end < 0 {
				continue
			}
			table = tomlKey(line[1:end])
			continue
		}
		eq := indexOutsideQuotes(line, '=')
		if eq <= 0 {
			continue
		}
		key := append(clonePath(table), tomlKey(line[:eq])...)
		tomlValue(strings.TrimSpace(line[eq+1:]), key, n, &out)
	}
	return out
}

func tomlValue(v string, key []string, n int, out *[]leaf) {
	switch {
	case strings.HasPrefix(v, "{"):
		body := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v[1:]), "}"))
		for _, part := range splitOutsideQuotes(body, ',') {
			eq := indexOutsideQuotes(part, '=')
			if eq <= 0 {
				continue
			}
			tomlValue(strings.TrimSpace(part[eq+1:]), append(clonePath(key), tomlKey(part[:eq])...), n, out)
		}
	case strings.HasPrefix(v, "["):
		body := strings.TrimSpace(v[1:])
		if i := strings.LastIndexByte(body, ']'); i >= 0 {
			body = body[:i]
		}
		for i, part := range splitOutsideQuotes(body, ',') {
			tomlValue(strings.TrimSpace(part), append(clonePath(key), strconv.Itoa(i)), n, out)
		}
	case strings.HasPrefix(v, `"`) && !strings.HasPrefix(v, `"""`):
		end := closingQuote(v)
		if end > 0 {
			*out = append(*out, leaf{path: key, value: unquote(v[:end+1]), line: n})
		}
	case strings.HasPrefix(v, "'") && !strings.HasPrefix(v, "'''"):
		if end := strings.IndexByte(v[1:], '\''); end >= 0 {
			*out = append(*out, leaf{path: key, value: v[1 : end+1], line: n})
		}
	}
}

// closingQuote returns the index of the quote closing a basic string that
// starts at v[0].
func closingQuote(v string) int {
	for i := 1; i < len(v); i++ {
		switch v[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

func tomlKey(s string) []string {
	var out []string
	for _, p := range splitOutsideQuotes(s, '.') {
		p = strings.TrimSpace(p)
		out = append(out, unquote(p))
	}
	return out
}

func indexOutsideQuotes(s string, c byte) int {
	var q byte
	for i := 0; i < len(s); i++ {
		switch {
		case q != 0 && s[i] == '\\' && q == '"':
			i++
		case q != 0 && s[i] == q:
			q = 0
		case q == 0 && (s[i] == '"' || s[i] == '\''):
			q = s[i]
		case q == 0 && s[i] == c:
			return i
		}
	}
	return -1
}

func splitOutsideQuotes(s string, c byte) []string {
	var out []string
	depth := 0
	var q byte
	start := 0
	for i := 0; i < len(s); i++ {
		switch {
		case q != 0 && s[i] == '\\' && q == '"':
			i++
		case q != 0 && s[i] == q:
			q = 0
		case q == 0 && (s[i] == '"' || s[i] == '\''):
			q = s[i]
		case q == 0 && (s[i] == '{' || s[i] == '['):
			depth++
		case q == 0 && (s[i] == '}' || s[i] == ']'):
			depth--
		case q == 0 && depth == 0 && s[i] == c:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	if strings.TrimSpace(s[start:]) != "" {
		out = append(out, s[start:])
	}
	return out
}

// netrcEntry is one machine (or default) of a .netrc file.
type netrcEntry struct {
	machine, login, password, account string
	passLine                          int
}

// netrcEntries reads .netrc: whitespace-separated tokens, macdef bodies
// skipped up to the next blank line.
func netrcEntries(data []byte) []netrcEntry {
	var out []netrcEntry
	var cur *netrcEntry
	lines := strings.Split(string(data), "\n")
	inMacro := false
	var pending string
	for n, raw := range lines {
		if inMacro {
			if strings.TrimSpace(raw) == "" {
				inMacro = false
			}
			continue
		}
		if i := strings.IndexByte(raw, '#'); i >= 0 && (i == 0 || raw[i-1] == ' ' || raw[i-1] == '\t') {
			raw = raw[:i]
		}
		for _, tok := range strings.Fields(raw) {
			if inMacro {
				break
			}
			if pending != "" {
				switch pending {
				case "machine":
					out = append(out, netrcEntry{machine: tok})
					cur = &out[len(out)-1]
				case "login":
					if cur != nil {
						cur.login = tok
					}
				case "password":
					if cur != nil {
						cur.password, cur.passLine = tok, n+1
					}
				case "account":
					if cur != nil {
						cur.account = tok
					}
				case "macdef":
					inMacro = true
				}
				pending = ""
				continue
			}
			switch tok {
			case "machine", "login", "password", "account", "macdef":
				pending = tok
			case "default":
				out = append(out, netrcEntry{machine: "default"})
				cur = &out[len(out)-1]
			}
		}
	}
	return out
}
