package detectors

import (
	"bytes"
	"strings"

	"github.com/tokenscope/tokenscope/detectors/scope"
)

// GenericAssignments finds values assigned to secret-sounding names
// (password, secret, token, api_key, access_key, private_key, credential)
// in code, config and env files: `NAME = value`, `name: value`,
// `name := "value"`, `"name": "value"`, `name => 'value'`, `--name=value`.
// It keeps false positives low by demanding a random-looking value (mixed
// letters and digits, an entropy floor, 8..200 bytes) and rejecting
// placeholders, templates, code expressions and paths. A specific rule that
// matches on the same line wins over it (see IsGeneric).
type GenericAssignments struct{}

const (
	genericMaxName  = 64
	genericMaxValue = 200
	genericMinValue = 8
	// genericMaxLen covers a quoted name, an operator and a quoted value.
	genericMaxLen = genericMaxName + 8 + genericMaxValue + 2
)

var _ Lister = GenericAssignments{}

func (GenericAssignments) secretInfo() Info {
	return Info{
		ID: "generic-secret-assignment", Provider: "Generic", Kind: "secret assigned to a secret-sounding name",
		Description: "A random-looking value assigned to a name such as api_key, secret or token.",
		Base:        base(scope.Scope{Confidence: scope.ConfidenceContext}),
	}
}

func (GenericAssignments) passwordInfo() Info {
	return Info{
		ID: "generic-password", Provider: "Generic", Kind: "password assigned to a password-sounding name",
		Description: "A random-looking value assigned to a name such as password or passwd.",
		Base:        base(scope.Scope{Confidence: scope.ConfidenceContext}),
	}
}

func (g GenericAssignments) Info() Info {
	return Info{ID: "generic", Provider: "Generic", Kind: "secret-sounding assignment"}
}

func (g GenericAssignments) Rules() []Info { return []Info{g.secretInfo(), g.passwordInfo()} }

func (GenericAssignments) Literals() []string {
	return []string{"passw", "secret", "token", "api_key", "apikey", "api-key",
		"access_key", "accesskey", "access-key", "private_key", "privatekey", "credential"}
}

func (GenericAssignments) MaxLen() int { return genericMaxLen }

func isNameChar(c byte) bool {
	return isAlnum(c) || c == '_' || c == '-' || c == '.'
}

func (g GenericAssignments) Find(w []byte, emit func(Candidate)) {
	for i := 0; i < len(w); {
		if !isNameChar(w[i]) {
			i++
			continue
		}
		s := i
		for i < len(w) && isNameChar(w[i]) {
			i++
		}
		if i-s < 5 || i-s > genericMaxName {
			continue
		}
		name := w[s:i]
		if s > 0 && (w[s-1] == ':' && !symbolOrEnv(w, s, i) || w[s-1] == '/' || w[s-1] == '\\' || w[s-1] == '%') {
			continue // a segment of an ARN, path or URL, not a name
		}
		if s >= 5 && string(w[s-5:s]) == ".svg?" {
			continue // a status badge's read-only graph token
		}
		if !hasSecretWord(name) {
			continue
		}
		pw, ok := secretName(name)
		if !ok {
			continue
		}
		vs, ve, ok := otherForms(w, s, i)
		if !ok {
			vs, ve, ok = assignedValue(w, i)
		}
		if !ok {
			continue
		}
		val := string(w[vs:ve])
		if !genericValue(val, indexFold(name, "private", 0) >= 0) {
			continue
		}
		if isHex(val) && testVectors(w) {
			continue
		}
		inf := g.secretInfo()
		if pw {
			inf = g.passwordInfo()
		}
		n := strings.TrimLeft(string(name), "-")
		sc := inf.Base.Clone()
		sc.Evidence = append(sc.Evidence, "assigned to "+n+": a secret-sounding name")
		emit(candidate(inf, val, vs, ve, sc, map[string]string{"name": n}))
		i = ve
	}
}

// hasSecretWord is a cheap test before secretName splits the name.
func hasSecretWord(name []byte) bool {
	for _, k := range [...]string{"passw", "pwd", "passphrase", "secret", "token", "key", "credential"} {
		if indexFold(name, k, 0) >= 0 {
			return true
		}
	}
	return false
}

// nameWords splits an identifier into lower-case words at '_', '-', '.'
// and camelCase boundaries, calling f for each until it returns false.
func nameWords(name []byte, f func(w string) bool) {
	var buf [genericMaxName]byte
	n := 0
	flush := func() bool {
		if n == 0 {
			return true
		}
		ok := f(string(buf[:n]))
		n = 0
		return ok
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == '_' || c == '-' || c == '.' {
			if !flush() {
				return
			}
			continue
		}
		up := c >= 'A' && c <= 'Z'
		if up && i > 0 {
			p := name[i-1]
			pLower := p >= 'a' && p <= 'z' || p >= '0' && p <= '9'
			pUpper := p >= 'A' && p <= 'Z'
			nextLower := i+1 < len(name) && name[i+1] >= 'a' && name[i+1] <= 'z'
			if pLower || (pUpper && nextLower) {
				if !flush() {
					return
				}
			}
		}
		if up {
			c += 32
		}
		buf[n] = c
		n++
	}
	flush()
}

// secretName reports whether a name holds a secret, and whether it is a
// password.
func secretName(name []byte) (password, ok bool) {
	var prev, last string
	hit, derived := false, false
	nameWords(name, func(w string) bool {
		switch w {
		case "shared", "exporter", "handshake", "traffic", "early", "resumption", "public", "pub",
			"next", "skip", "page", "paging", "pagination", "continuation", "cursor", "idempotency",
			"lifecycle", "request", "authenticity", "csrf", "xsrf", "nonce",
			"expected", "want", "got", "mock", "fake", "dummy", "example", "sample", "invalid", "bad",
			"wrong", "test", "placeholder":
			// key-agreement outputs and TLS key-schedule values, public
			// keys, pagination and idempotency tokens, anti-CSRF tokens:
			// not credentials; expected/mock/test values: fixtures
			derived = true
		case "password", "passwd", "pwd", "passphrase":
			hit, password = true, true
		case "secret", "token", "apikey", "accesskey", "privatekey", "credential", "credentials", "secretkey", "authtoken":
			hit = true
		case "key":
			if prev == "api" || prev == "access" || prev == "private" || prev == "secret" {
				hit = true
			}
		}
		prev, last = w, w
		return true
	})
	if !hit || derived {
		return false, false
	}
	switch last {
	case "id", "url", "uri", "endpoint", "path", "file", "filename", "dir", "type", "name", "names",
		"length", "len", "size", "count", "max", "min", "expiry", "expires", "expiration", "ttl",
		"header", "prefix", "suffix", "field", "env", "var", "hint", "policy", "mode", "format",
		"version", "regex", "pattern", "hash", "hashed", "salt", "enabled", "required", "timeout",
		"cache", "store", "provider", "source", "location", "duration", "lifetime", "kind", "label",
		"description", "desc", "placeholder", "example", "template", "param", "arn", "ref",
		"reference", "error", "err", "message", "msg", "text", "prompt", "input", "column", "table",
		"request", "response", "manager", "service", "handler", "validator", "generator", "parser",
		"reader", "writer", "fn", "func", "callback", "method", "class", "struct", "lock", "mutex",
		"bytes", "len_", "sha", "sha1", "sha256", "digest", "fingerprint", "mask", "masked", "rule",
		"rules", "check", "valid", "validation", "test", "tests", "position", "pos", "index", "idx",
		"start", "end", "offset", "line", "col", "state", "status", "scope", "scopes", "usage",
		"help", "flag", "option", "options", "config", "settings", "set", "get", "list", "map",
		"stream", "chan", "channel", "ch", "ok", "exists", "present", "missing", "kinds", "types",
		"hex", "b64", "base64", "base58", "b58", "der", "pem", "bits", "algorithm", "alg", "curve", "seed",
		"used", "last", "date", "time", "timestamp", "at", "updated", "created", "changed", "rotated", "age",
		"encryption", "scheme", "cipher", "strength", "complexity":
		return false, false
	}
	return password, true
}

// symbolOrEnv reports a name after a colon that is no path segment: a
// Ruby symbol key (:api_key => '...') or PowerShell's $env:NAME = "...".
func symbolOrEnv(w []byte, s, i int) bool {
	if s >= 5 && asciiEqualFold(w[s-5:s-1], "$env") {
		return true
	}
	if s >= 2 {
		switch w[s-2] {
		case ' ', '\t', '(', '{', '[', ',':
		default:
			return false
		}
	}
	j := i
	for j < len(w) && (w[j] == ' ' || w[j] == '\t') {
		j++
	}
	return j+1 < len(w) && w[j] == '=' && w[j+1] == '>'
}

// otherForms reads a value given to the name at w[s:i] in the forms
// assignedValue does not know, which set a name without an operator
// after it:
//
//	<apiKey>value</apiKey>                      an XML element
//	<add key="ApiSecret" value="value" />       .NET appSettings
//	define('API_KEY', 'value')                  PHP, Java's setProperty, Go's Setenv
//	--api-key value                             a long flag and its argument
//	set -x API_TOKEN value / setx API_TOKEN v   fish, Windows
//	- name: API_TOKEN  (next line)  value: v     a Kubernetes env entry
func otherForms(w []byte, s, i int) (vs, ve int, ok bool) {
	quoted := s > 0 && (w[s-1] == '"' || w[s-1] == '\'') && i < len(w) && w[i] == w[s-1]
	switch {
	case s > 0 && w[s-1] == '<' && i < len(w) && w[i] == '>':
		e := i + 1
		for e < len(w) && e-i <= genericMaxValue && w[e] != '<' && w[e] != '\n' {
			e++
		}
		if e+1 < len(w) && w[e] == '<' && w[e+1] == '/' && bytesHasPrefixFold(w[e+2:], w[s:i]) {
			return trimSpaceSpan(w, i+1, e)
		}
	case quoted && hasWordBefore(w, s-1, "key="):
		j := skipSpace(w, i+1)
		if bytesHasPrefixFold(w[j:], []byte("value=")) {
			return quotedAt(w, j+6)
		}
	case quoted && (hasWordBefore(w, s-1, "define(") || hasWordBefore(w, s-1, "setProperty(") || hasWordBefore(w, s-1, "Setenv(") ||
		hasWordBefore(w, s-1, "setenv(") || hasWordBefore(w, s-1, "SetEnvironmentVariable(")):
		j := skipSpace(w, i+1)
		if j < len(w) && w[j] == ',' {
			return quotedAt(w, skipSpace(w, j+1))
		}
	case i-s > 2 && w[s] == '-' && w[s+1] == '-' && i < len(w) && w[i] == ' ':
		vs, ve, ok := bareWord(w, i+1)
		// a flag's argument that lists settings (--secret
		// source=app-key,target=app) is a spec, not a secret
		if ok && (bytes.IndexByte(w[vs:ve], ',') >= 0 || bytes.IndexByte(bytes.TrimRight(w[vs:ve], "="), '=') >= 0) {
			return 0, 0, false
		}
		return vs, ve, ok
	case hasWordBefore(w, s, "set -x ") || hasWordBefore(w, s, "set -gx ") || hasWordBefore(w, s, "set -Ux ") || hasWordBefore(w, s, "setx "):
		if i < len(w) && w[i] == ' ' {
			j := skipSpace(w, i)
			if j < len(w) && (w[j] == '"' || w[j] == '\'') {
				return quotedAt(w, j)
			}
			return bareWord(w, j)
		}
	case quoted && w[s-1] == '"' && jsonNameBefore(w, s-1):
		// {"name": "API_TOKEN", "value": "..."}: an ECS task's or a
		// Kubernetes JSON env entry
		j := skipSpace(w, i+1)
		if j < len(w) && w[j] == ',' {
			j = skipSpace(w, j+1)
			if bytesHasPrefixFold(w[j:], []byte(`"value"`)) {
				j = skipSpace(w, j+7)
				if j < len(w) && w[j] == ':' {
					return quotedAt(w, skipSpace(w, j+1))
				}
			}
		}
	case hasWordBefore(w, s, "#define "):
		if i < len(w) && w[i] == ' ' {
			return quotedAt(w, skipSpace(w, i))
		}
	case hasWordBefore(w, s, "ENV ") && asciiUpper(w[s-4:s-1]):
		// a Dockerfile's legacy ENV NAME value
		if i < len(w) && w[i] == ' ' {
			j := skipSpace(w, i)
			if j < len(w) && (w[j] == '"' || w[j] == '\'') {
				return quotedAt(w, j)
			}
			return bareWord(w, j)
		}
	case i < len(w) && w[i] == ':' && !quoted:
		// a typed declaration: const API_KEY: &str = "...", let apiKey:
		// String = "..."
		j := skipSpace(w, i+1)
		t := j
		for j < len(w) && j-t <= 24 && (isNameChar(w[j]) || w[j] == '&' || w[j] == '<' || w[j] == '>' || w[j] == '[' || w[j] == ']' || w[j] == '\'') {
			if w[j] == '\'' && (j+1 >= len(w) || !isAlnum(w[j+1])) {
				break // a Rust lifetime ('static) only
			}
			j++
		}
		if j == t || j-t > 24 {
			return 0, 0, false
		}
		j = skipSpace(w, j)
		if j+1 < len(w) && w[j] == '=' && w[j+1] != '=' && w[j+1] != '>' {
			return quotedAt(w, skipSpace(w, j+1))
		}
	case hasWordBefore(w, s, "name: ") || hasWordBefore(w, s, "name: \"") && i < len(w) && w[i] == '"':
		e := i
		if e < len(w) && w[e] == '"' {
			e++
		}
		if e >= len(w) || w[e] != '\n' {
			return 0, 0, false
		}
		j := skipSpace(w, e+1)
		if bytesHasPrefixFold(w[j:], []byte("value:")) {
			j = skipSpace(w, j+6)
			if j < len(w) && (w[j] == '"' || w[j] == '\'') {
				return quotedAt(w, j)
			}
			return bareWord(w, j)
		}
	}
	return 0, 0, false
}

// jsonNameBefore reports whether the quote at w[q] follows "name": (any
// case), as in a list of {"name": ..., "value": ...} entries.
func jsonNameBefore(w []byte, q int) bool {
	j := q - 1
	for j >= 0 && (w[j] == ' ' || w[j] == '\t') {
		j--
	}
	if j < 0 || w[j] != ':' {
		return false
	}
	j--
	for j >= 0 && (w[j] == ' ' || w[j] == '\t') {
		j--
	}
	return j >= 5 && asciiEqualFold(w[j-5:j+1], `"name"`)
}

func asciiUpper(b []byte) bool {
	for _, c := range b {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

// hasWordBefore reports whether w[:at] ends with word (ASCII case-
// insensitively) starting at a line start, a space or punctuation.
func hasWordBefore(w []byte, at int, word string) bool {
	st := at - len(word)
	if st < 0 || !asciiEqualFold(w[st:at], strings.ToLower(word)) {
		return false
	}
	return st == 0 || !isAlnum(w[st-1]) && w[st-1] != '_'
}

func bytesHasPrefixFold(b, prefix []byte) bool {
	return len(b) >= len(prefix) && asciiEqualFold(b[:len(prefix)], strings.ToLower(string(prefix)))
}

func skipSpace(w []byte, j int) int {
	for j < len(w) && (w[j] == ' ' || w[j] == '\t') {
		j++
	}
	return j
}

// quotedAt reads a quoted value whose opening quote is w[j].
func quotedAt(w []byte, j int) (vs, ve int, ok bool) {
	if j >= len(w) || (w[j] != '"' && w[j] != '\'') {
		return 0, 0, false
	}
	q := w[j]
	for e := j + 1; e < len(w) && e-j <= genericMaxValue; e++ {
		switch w[e] {
		case q:
			return j + 1, e, e > j+1
		case '\n', '\\':
			return 0, 0, false
		}
	}
	return 0, 0, false
}

// bareWord reads an unquoted value starting at w[j], up to white space or
// a shell separator; one that starts with '-' is the next flag.
func bareWord(w []byte, j int) (vs, ve int, ok bool) {
	if j >= len(w) || w[j] == '-' || w[j] == '=' {
		return 0, 0, false
	}
	e := j
	for e < len(w) && e-j <= genericMaxValue {
		c := w[e]
		if c <= ' ' || c == ';' || c == '|' || c == '&' || c == ')' || c == '"' || c == '\'' || c == '`' {
			break
		}
		e++
	}
	return j, e, e > j && e-j <= genericMaxValue
}

func trimSpaceSpan(w []byte, s, e int) (int, int, bool) {
	for s < e && (w[s] == ' ' || w[s] == '\t') {
		s++
	}
	for e > s && (w[e-1] == ' ' || w[e-1] == '\t') {
		e--
	}
	return s, e, e > s
}

// assignedValue reads the operator after a name ending at i and the value
// after it, returning the value's span (inside any quotes).
func assignedValue(w []byte, i int) (vs, ve int, ok bool) {
	if i < len(w) && (w[i] == '"' || w[i] == '\'') {
		i++ // closing quote of a quoted key
		if i < len(w) && w[i] == ']' {
			i++ // os.environ["NAME"] = ..., $config['name'] = ...
		}
	} else if i < len(w) && w[i] == '}' && i+1 < len(w) && w[i+1] != '}' {
		i++ // Perl's $ENV{NAME} = ...
	}
	for i < len(w) && (w[i] == ' ' || w[i] == '\t') {
		i++
	}
	if i >= len(w) {
		return 0, 0, false
	}
	switch {
	case w[i] == ':' && i+1 < len(w) && w[i+1] == '=':
		i += 2
	case w[i] == '=' && i+1 < len(w) && w[i+1] == '>':
		i += 2
	case (w[i] == '?' && i+1 < len(w) && w[i+1] == '=') || (w[i] == '<' && i+2 < len(w) && w[i+1] == '-' && w[i+2] == ' '):
		i += 2 // make's NAME ?= value, R's name <- "value"
	case w[i] == '=':
		if i+1 < len(w) && (w[i+1] == '=' || w[i+1] == '~') {
			return 0, 0, false
		}
		i++
	case w[i] == ':':
		if i+1 < len(w) && w[i+1] == ':' {
			return 0, 0, false
		}
		i++
	default:
		return 0, 0, false
	}
	for i < len(w) && (w[i] == ' ' || w[i] == '\t') {
		i++
	}
	if i >= len(w) {
		return 0, 0, false
	}
	if q := w[i]; q == '"' || q == '\'' || q == '`' {
		s := i + 1
		for e := s; e < len(w) && e-s <= genericMaxValue; e++ {
			switch w[e] {
			case q:
				return s, e, true
			case '\n', '\\':
				return 0, 0, false
			}
		}
		return 0, 0, false
	}
	s := i
	e := s
	for e < len(w) && e-s <= genericMaxValue {
		c := w[e]
		if c <= ' ' || c == ',' || c == ';' || c == ')' || c == ']' || c == '}' || c == '"' || c == '\'' || c == '`' || c == '<' || c == '>' || c == '&' {
			break
		}
		e++
	}
	if e-s > genericMaxValue {
		return 0, 0, false
	}
	return s, e, e > s
}

// genericValue decides whether an assigned value looks like a real secret.
func genericValue(v string, privateKey bool) bool {
	if len(v) < genericMinValue || len(v) > genericMaxValue {
		return false
	}
	switch v[0] {
	case '$', '%', '@', '&', '*', '!', '|', '#', '{', '[', '(', '<', '.', '/', '~', '\\', '-', ':', '?':
		return false
	}
	if strings.HasPrefix(v, "eyJ") || strings.Contains(v, "://") || strings.HasPrefix(v, "-----") {
		return false // JWTs, URIs and keys have their own detectors
	}
	var letters, digits, other int
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
			letters++
		case c >= '0' && c <= '9':
			digits++
		case c == ' ' || c == '(' || c == ')' || c == '\t' || c == '[' || c == ']' || c == '{' || c == '}':
			return false // prose or code
		case c >= 0x80:
			return false
		default:
			other++
		}
	}
	if letters == 0 || digits == 0 {
		return false
	}
	if dottedIdent(v) || version(v) || strings.Count(v, "/") >= 3 || schemePrefix(v) {
		return false
	}
	if upperSnake(v) {
		return false // an enum constant such as OAUTH2_CLIENT_CREDENTIALS, ECDH_P256
	}
	if privateKey && isHex(v) && !strings.HasPrefix(v, "0x") {
		// Raw hex key material is a crypto test vector far more often than
		// a credential; wallet keys are written 0x...
		return false
	}
	if documentedExample(v) || keyboardMash(v) || base64Prose(v) || wordAndNumber(v) {
		return false
	}
	if d, ok := percentDecoded(v); ok {
		// a URL-escaped value ("lock%26key") is judged by what it says
		return genericValue(d, privateKey)
	}
	if placeholderWord(strings.ToLower(v)) {
		return false
	}
	return Entropy(v) >= entropyFloor(len(v))
}

// entropyFloor is the entropy (bits per byte) a random-looking value of n
// bytes must reach. The floors follow the most a value of its length can
// reach (log2 of the length): 2.9 for every value under 12 bytes dropped
// 37% of random 8-character passwords and 3.2 at 12 bytes 8%; these drop
// at most about 5% at 8 bytes and 2% from 11 on.
func entropyFloor(n int) float64 {
	switch {
	case n < 10:
		return 2.7
	case n < 12:
		return 2.8
	case n < 14:
		return 3.0
	case n < 16:
		return 3.1
	case n < 20:
		return 3.2
	}
	return 3.5
}

// placeholderWord reports lower-cased values holding a placeholder marker,
// a secret-sounding word, a template or code.
func placeholderWord(l string) bool {
	for _, p := range []string{"example", "sample", "dummy", "changeme", "change_me", "change-me",
		"placeholder", "your_", "your-", "yourtoken", "yoursecret", "yourkey", "xxxx", "****", "...",
		"redacted", "replace", "insert", "fake", "mock", "here", "todo", "fixme", "test", "secret",
		"passw", "token", "demo", "default", "${", "{{", "%s", "%v", "%d", "$(", "#{", "0000", "1234",
		"abcd", "qwerty", "lorem", "foobar", "null", "none", "true", "false", ".go", ".py", ".js",
		".json", ".yaml", ".yml", ".pem", ".key", ".txt", ".crt", ".env", "->", "::", "&&", "||", "==",
		"credential", "private", "insecure", "apikey", "accesskey", "secretkey"} {
		if strings.Contains(l, p) {
			return true
		}
	}
	return false
}

// wordAndNumber reports a short word and a number, one after the other
// ("Issue149", "admin2024", "42answer"): a fixture's or a person's choice,
// not a generated secret.
func wordAndNumber(v string) bool {
	if len(v) >= 16 {
		return false
	}
	i := 0
	word := func() bool {
		st := i
		if i < len(v) && v[i] >= 'A' && v[i] <= 'Z' {
			i++
		}
		for i < len(v) && v[i] >= 'a' && v[i] <= 'z' {
			i++
		}
		return i-st >= 2
	}
	number := func() bool {
		st := i
		for i < len(v) && v[i] >= '0' && v[i] <= '9' {
			i++
		}
		return i > st
	}
	if word() && number() && i == len(v) {
		return true
	}
	i = 0
	return number() && word() && i == len(v)
}

// upperSnake reports CONSTANT_NAMES.
func upperSnake(v string) bool {
	if strings.IndexByte(v, '_') < 0 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// testVectors reports windows that look like cryptographic test vectors,
// where hex values named secret or key are inputs, not credentials.
func testVectors(w []byte) bool {
	for _, m := range [...]string{"nonce", "ciphertext", "plaintext", "test vector", "testvector", "expected"} {
		if indexFold(w, m, 0) >= 0 {
			return true
		}
	}
	return false
}

// schemePrefix reports values such as urn:uuid:..., arn:aws:..., data:...
func schemePrefix(v string) bool {
	i := strings.IndexByte(v, ':')
	if i < 2 || i > 10 {
		return false
	}
	for j := 0; j < i; j++ {
		if v[j] < 'a' || v[j] > 'z' {
			return false
		}
	}
	return true
}

func isHex(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// dottedIdent reports a.b.c identifier paths (config.Token, os.environ).
func dottedIdent(v string) bool {
	if !strings.Contains(v, ".") {
		return false
	}
	for _, seg := range strings.Split(v, ".") {
		if seg == "" || !(seg[0] >= 'a' && seg[0] <= 'z' || seg[0] >= 'A' && seg[0] <= 'Z' || seg[0] == '_') {
			return false
		}
		for i := 0; i < len(seg); i++ {
			if !isAlnum(seg[i]) && seg[i] != '_' {
				return false
			}
		}
	}
	return true
}

// version reports version strings such as v1.2.3-rc4.
func version(v string) bool {
	v = strings.TrimPrefix(strings.TrimPrefix(v, "v"), "V")
	return len(v) > 0 && v[0] >= '0' && v[0] <= '9' && strings.Count(v, ".") >= 2
}
