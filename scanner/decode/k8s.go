package decode

import (
	"bytes"
	"encoding/base64"
	"path"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/scanner"
)

// k8sSecrets reads Kubernetes Secret manifests (YAML or JSON, single
// documents, multi-document files and List/items wrappers): each value of
// data: is base64 (https://kubernetes.io/docs/concepts/configuration/secret/),
// so a scan of the text sees only its encoding. The decoded value is
// scanned as "KEY=value", so rules anchored on a variable name (the key)
// and the generic rule see it as they would in an env file; a multi-line
// value (a PEM key, a properties file) is scanned as it is.
type k8sSecrets struct{ set *detectors.Set }

func (k8sSecrets) Name() string { return "kubernetes-secret" }

func (k8sSecrets) Match(o scanner.Origin) bool {
	switch strings.ToLower(path.Ext(o.Path)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// maxDocs bounds the YAML documents read from one stream.
const maxDocs = 1000

func (k k8sSecrets) Parse(o scanner.Origin, content []byte) []scanner.Parsed {
	if !bytes.Contains(content, []byte("Secret")) {
		return nil
	}
	var out []scanner.Parsed
	dec := yaml.NewDecoder(bytes.NewReader(content))
	for i := 0; i < maxDocs; i++ {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			break // io.EOF, or not YAML past this point: what was read stays
		}
		if len(doc.Content) > 0 {
			out = k.walk(doc.Content[0], out, 0)
		}
	}
	return out
}

func field(m *yaml.Node, name string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == name {
			return m.Content[i+1]
		}
	}
	return nil
}

func (k k8sSecrets) walk(n *yaml.Node, out []scanner.Parsed, depth int) []scanner.Parsed {
	if n == nil || depth > 4 {
		return out
	}
	if items := field(n, "items"); items != nil && items.Kind == yaml.SequenceNode {
		for _, it := range items.Content {
			out = k.walk(it, out, depth+1)
		}
	}
	if kind := field(n, "kind"); kind == nil || kind.Value != "Secret" {
		return out
	}
	data := field(n, "data")
	if data == nil || data.Kind != yaml.MappingNode {
		return out
	}
	name := ""
	if md := field(n, "metadata"); md != nil {
		if nm := field(md, "name"); nm != nil {
			name = nm.Value
		}
	}
	for i := 0; i+1 < len(data.Content); i += 2 {
		key, val := data.Content[i].Value, data.Content[i+1]
		if val.Kind != yaml.ScalarNode {
			continue
		}
		plain, ok := decodeB64(val.Value)
		if !ok {
			continue
		}
		text, from := []byte(plain), 0
		if !strings.Contains(plain, "\n") {
			text = []byte(key + "=" + plain)
			from = len(key) + 1
		}
		for _, c := range scanDecoded(k.set, text, from) {
			out = append(out, scanner.Parsed{
				RuleID: c.RuleID, Provider: c.Provider, Kind: c.Kind, Secret: c.Secret,
				Line: val.Line, Column: val.Column, Key: key,
				Context: key + ": <base64> (Kubernetes Secret data, decoded)",
				Scope:   c.Scope,
				Attrs:   withAttr(c.Attrs, "decoded", "base64", "k8s_secret", name),
			})
		}
	}
	return out
}

// decodeB64 decodes a data: value (standard alphabet, padding optional,
// whitespace ignored) to text; binary values (keystores, images) are left.
func decodeB64(s string) (string, bool) {
	s = strings.Join(strings.Fields(s), "")
	if len(s) < 4 {
		return "", false
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		if b, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "=")); err != nil {
			return "", false
		}
	}
	if !utf8.Valid(b) || bytes.IndexByte(b, 0) >= 0 {
		return "", false
	}
	return string(b), true
}
