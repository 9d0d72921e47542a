package config

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// An Error is one problem in a config or rule file, placed by file, line,
// column and field ("rules[0].pattern").
type Error struct {
	File   string
	Line   int
	Column int
	Field  string
	Msg    string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in one file, in the order of the file.
type Errors []*Error

func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// maxErrors bounds how many problems one file reports.
const maxErrors = 20

// doc is a parsed YAML document with the position of every field, so that
// checks after decoding can still name a line.
type doc struct {
	file string
	pos  map[string][2]int // field path -> line, column
	errs Errors
}

func (d *doc) errAt(field, format string, a ...any) {
	if len(d.errs) >= maxErrors {
		return
	}
	// a field that was not written (a required one) is placed at its
	// nearest written parent
	p, ok := d.pos[field]
	for at := field; !ok && at != ""; {
		i := strings.LastIndexAny(at, ".[")
		if i < 0 {
			at = ""
		} else {
			at = at[:i]
		}
		p, ok = d.pos[at]
	}
	d.errs = append(d.errs, &Error{File: d.file, Line: p[0], Column: p[1], Field: field, Msg: fmt.Sprintf(format, a...)})
}

func (d *doc) err(field string, n *yaml.Node, format string, a ...any) {
	if len(d.errs) >= maxErrors {
		return
	}
	line, col := 0, 0
	if n != nil {
		line, col = n.Line, n.Column
	}
	d.errs = append(d.errs, &Error{File: d.file, Line: line, Column: col, Field: field, Msg: fmt.Sprintf(format, a...)})
}

// parseStrict parses data into v (a pointer to a struct with yaml tags),
// checking that every key is one v knows, every value has the right shape
// and no anchors or aliases are used. Problems are collected in d.errs.
func parseStrict(d *doc, data []byte, v any) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		line := 0
		msg := err.Error()
		// yaml.v3: "yaml: line 3: mapping values are not allowed..."
		if rest, ok := strings.CutPrefix(msg, "yaml: line "); ok {
			if i := strings.IndexByte(rest, ':'); i > 0 {
				if n, e := strconv.Atoi(rest[:i]); e == nil {
					line = n
					msg = strings.TrimSpace(rest[i+1:])
				}
			}
		} else {
			msg = strings.TrimPrefix(msg, "yaml: ")
		}
		d.errs = append(d.errs, &Error{File: d.file, Line: line, Msg: "not valid YAML: " + msg})
		return
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return // an empty file is an empty config
	}
	top := root.Content[0]
	d.pos[""] = [2]int{top.Line, top.Column}
	d.check(top, reflect.TypeOf(v).Elem(), "")
	if len(d.errs) > 0 {
		return
	}
	if err := top.Decode(v); err != nil {
		d.errs = append(d.errs, &Error{File: d.file, Msg: err.Error()})
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// check walks n against the Go type t.
func (d *doc) check(n *yaml.Node, t reflect.Type, path string) {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		d.err(path, n, "anchors and aliases are not allowed in a config")
		return
	}
	d.pos[path] = [2]int{n.Line, n.Column}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // an empty value is the zero value
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			d.err(path, n, "want a mapping of keys, got %s", kindName(n))
			return
		}
		fields := yamlFields(t)
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			key := k.Value
			if seen[key] {
				d.err(join(path, key), k, "key given twice")
				continue
			}
			seen[key] = true
			f, ok := fields[key]
			if !ok {
				d.err(join(path, key), k, "unknown key %q (known: %s)", key, knownKeys(fields))
				continue
			}
			d.pos[join(path, key)] = [2]int{k.Line, k.Column}
			d.check(val, f, join(path, key))
			// keep the key's position: errors about a value point at it
			d.pos[join(path, key)] = [2]int{val.Line, val.Column}
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			d.err(path, n, "want a mapping, got %s", kindName(n))
			return
		}
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if seen[k.Value] {
				d.err(join(path, k.Value), k, "key given twice")
				continue
			}
			seen[k.Value] = true
			d.check(val, t.Elem(), join(path, k.Value))
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.err(path, n, "want a list, got %s", kindName(n))
			return
		}
		for i, item := range n.Content {
			d.check(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
		}
	default:
		if n.Kind != yaml.ScalarNode {
			d.err(path, n, "want a single value, got %s", kindName(n))
			return
		}
		if err := n.Decode(reflect.New(t).Interface()); err != nil {
			d.err(path, n, "want %s, got %q", typeName(t), n.Value)
		}
	}
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "something else"
}

func typeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "a whole number"
	case reflect.Float64, reflect.Float32:
		return "a number"
	case reflect.String:
		return "a string"
	}
	return t.String()
}

// yamlFields maps the yaml keys of a struct type to their field types.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f.Type
	}
	return out
}

func knownKeys(fields map[string]reflect.Type) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}
