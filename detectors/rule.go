package detectors

import (
	"bytes"
	"fmt"
	"regexp"
	"regexp/syntax"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/tokenscope/tokenscope/detectors/scope"
)

// RuleSpec is one rule as written in a rules/*.yaml file.
type RuleSpec struct {
	ID          string   `yaml:"id"`
	Provider    string   `yaml:"provider"`
	Kind        string   `yaml:"kind"`
	Description string   `yaml:"description"`
	Literals    []string `yaml:"literals"`
	// Pattern is a Go regexp. The credential is the named group "secret",
	// or the whole match when there is none.
	Pattern string `yaml:"pattern"`
	// MaxLen must be given when the pattern has no bound of its own.
	MaxLen int `yaml:"max_len"`
	// Validate names an offline check of the token's own structure (a
	// checksum); see Validators.
	Validate string `yaml:"validate"`
	// Names lists names that tell, on the token's line, which vendor or
	// credential it is (GH_TOKEN, NODE_AUTH_TOKEN), besides the provider's
	// own name, which always tells (GITHUB_TOKEN, NPM_TOKEN). A token that
	// fails a checksum validation is reported (severity at most medium,
	// evidence "checksum invalid") when its line holds one of them, and
	// dropped otherwise.
	Names []string `yaml:"names"`
	// SharedWith lists rules whose tokens have this rule's very shape (HCP
	// Terraform's and Vagrant Cloud's <id>.atlasv1.<secret>). A token on a
	// line that names one of them (its provider or names) and not this
	// rule's provider is reported as that rule's; one on a line that names
	// none of them is reported as an unknown provider's, the candidates
	// listed: never as the wrong vendor. See LinkShapes.
	SharedWith []string `yaml:"shared_with"`
	// YieldsTo lists rules a token of this shape belongs to when its line
	// names their provider and not this rule's (Mailgun's key-<32 hex>
	// beside MARKETSTACK_API_KEY); without such a name the token stays
	// this rule's.
	YieldsTo []string `yaml:"yields_to"`
	// Decode names an offline decoder in detectors/scope that refines the
	// scope from the token itself (jwt, pypi-macaroon, azure-sas, ...).
	Decode string `yaml:"decode"`
	// MinEntropy rejects secrets whose Shannon entropy (bits per byte) is
	// below it.
	MinEntropy float64 `yaml:"min_entropy"`
	// Deny lists placeholder markers (case-sensitive): a match that contains
	// one of them is documentation, not a credential ("EXAMPLE").
	Deny []string `yaml:"deny"`
	// RedactPrefix lists the documented vendor prefixes a redacted report
	// may show ("sk_live_", "rk_test_"): the longest one the secret starts
	// with is kept. Without it, the constant literal start of the secret
	// group (at least 3 bytes: "ghp_" in ghp_[0-9A-Za-z]{36}) is kept, and
	// nothing when the pattern has none.
	RedactPrefix []string `yaml:"redact_prefix"`
	// Scope is the vendor-documented scope of this kind of credential.
	Scope scope.Scope `yaml:"scope"`
	// Examples are test inputs; see the rules package for their template
	// syntax. Positive examples must be found, negative ones must not.
	Examples RuleExamples `yaml:"examples"`
}

// RuleExamples are a rule's test inputs (a named type so that the
// generated rules/builtin_gen.go can spell them).
type RuleExamples struct {
	Positive []string `yaml:"positive"`
	Negative []string `yaml:"negative"`
}

// Rule is a detector compiled from a RuleSpec.
type Rule struct {
	spec RuleSpec
	// pat parses and compiles the pattern the first time a window reaches
	// this rule: most runs (a pre-commit hook, a small tree) touch few
	// rules, and parsing and compiling every pattern up front was most of
	// start-up.
	pat      func() *compiledPattern
	maxLen   int
	validate func(string) bool
	// checksum describes a validation that checks a checksum: a token that
	// fails it under a telling name is still reported (see RuleSpec.Names).
	checksum string
	// names are what tells the vendor on a token's line, lower case.
	names  []string
	decode scope.DecodeFunc
	// shape is set by LinkShapes for a rule with SharedWith or YieldsTo.
	shape *shapeLinks
}

// compiledPattern is what a rule's pattern yields once parsed: one
// branch per top-level alternative, so that each is searched alone. A
// branch whose required text is absent from the window is not run at all,
// and a branch that starts with \b before a case-sensitive literal is
// compiled without the \b (checked by hand): a regexp that starts with a
// literal jumps from one occurrence of it to the next instead of trying
// every position, so a bare-token branch (\bre_..., \bEAA...) costs
// almost nothing in a window where its prefix does not occur.
type compiledPattern struct {
	branches []*branchPattern
}

type branchPattern struct {
	re *regexp.Regexp
	// wordStart is the \b taken off the start of the branch.
	wordStart bool
	// gate lists texts of which every match holds at least one; empty
	// when none is known.
	gate []gateLit
	// secretIx lists the groups named "secret"; a pattern written as an
	// alternation names one in each branch, and the first that took part in
	// a match is the credential.
	secretIx []int
	// attrIx maps other named groups (key_id, account) to Candidate.Attrs:
	// facts next to the credential that are not themselves secret. A name
	// may label a group in each branch; the first that took part counts.
	attrIx map[string][]int
	// litPrefix[i] lists the constant starts of secret group secretIx[i]
	// (or of the whole match, index len(secretIx)), kept by redaction.
	litPrefix [][]string
}

// gateLit is a text a match must contain; fold marks an ASCII
// case-insensitive one (lowered).
type gateLit struct {
	text string
	fold bool
}

// compilePattern parses a pattern already known to parse and compile.
func compilePattern(pattern string) *compiledPattern {
	c := &compiledPattern{}
	for _, src := range splitTop(pattern) {
		c.branches = append(c.branches, compileBranch(src))
	}
	return c
}

// splitTop splits a pattern at its top-level |, outside groups and
// classes (the source text is split, not the parsed tree: printing a
// parsed pattern back folds every class through Unicode, ten times the
// cost of compiling it). A pattern that sets flags for the rest of itself
// ((?i) outside a group) stays whole.
func splitTop(p string) []string {
	var out []string
	depth, start, class := 0, 0, false
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '\\':
			i++
		case class:
			if c == ']' {
				class = false
			}
		case c == '[':
			class = true
			if i+1 < len(p) && p[i+1] == '^' {
				i++
			}
			if i+1 < len(p) && p[i+1] == ']' {
				i++ // a leading ] is a member
			}
		case c == '(':
			if depth == 0 && strings.HasPrefix(p[i:], "(?") {
				j := i + 2
				for j < len(p) && (p[j] >= 'a' && p[j] <= 'z' || p[j] == '-') {
					j++
				}
				if j < len(p) && p[j] == ')' {
					return []string{p}
				}
			}
			depth++
		case c == ')':
			depth--
		case c == '|' && depth == 0:
			out = append(out, p[start:i])
			start = i + 1
		}
	}
	return append(out, p[start:])
}

func compileBranch(src string) *branchPattern {
	b := &branchPattern{}
	parsed, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		panic(err)
	}
	whole := parsed
	if rest, ok := strings.CutPrefix(src, `\b`); ok && parsed.Op == syntax.OpConcat && len(parsed.Sub) > 1 &&
		parsed.Sub[0].Op == syntax.OpWordBoundary && startsWithLiteral(parsed.Sub[1]) {
		b.wordStart = true
		src = rest
		if parsed, err = syntax.Parse(src, syntax.Perl); err != nil {
			panic(err)
		}
	}
	b.re = regexp.MustCompile(src)
	b.gate, _ = required(parsed)
	for i, name := range parsed.CapNames() {
		switch name {
		case "":
		case "secret":
			b.secretIx = append(b.secretIx, i)
		default:
			if b.attrIx == nil {
				b.attrIx = map[string][]int{}
			}
			b.attrIx[name] = append(b.attrIx[name], i)
		}
	}
	for _, ix := range b.secretIx {
		b.litPrefix = append(b.litPrefix, literalStarts(findCapture(parsed, ix)))
	}
	b.litPrefix = append(b.litPrefix, literalStarts(whole))
	return b
}

// startsWithLiteral reports whether every match of re begins with a
// case-sensitive literal, through captures and concatenations.
func startsWithLiteral(re *syntax.Regexp) bool {
	for {
		switch re.Op {
		case syntax.OpLiteral:
			return re.Flags&syntax.FoldCase == 0
		case syntax.OpCapture:
			re = re.Sub[0]
		case syntax.OpConcat:
			if len(re.Sub) == 0 {
				return false
			}
			re = re.Sub[0]
		default:
			return false
		}
	}
}

// required returns texts of which every match of re holds at least one
// (ASCII case folded where the pattern folds), and false when it knows
// none. Of a concatenation it keeps its parts' best set: the one whose
// shortest text is longest, case-sensitive before folded.
func required(re *syntax.Regexp) ([]gateLit, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		fold := re.Flags&syntax.FoldCase != 0
		t := string(re.Rune)
		for _, r := range re.Rune {
			if r >= utf8.RuneSelf {
				return nil, false
			}
		}
		if fold {
			t = strings.ToLower(t)
		}
		return []gateLit{{t, fold}}, true
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0])
		}
	case syntax.OpConcat:
		var best []gateLit
		for _, sub := range re.Sub {
			if set, ok := required(sub); ok && better(set, best) {
				best = set
			}
		}
		return best, best != nil
	case syntax.OpAlternate:
		var all []gateLit
		for _, sub := range re.Sub {
			set, ok := required(sub)
			if !ok {
				return nil, false
			}
			all = append(all, set...)
		}
		return all, len(all) <= 16
	}
	return nil, false
}

func better(a, b []gateLit) bool {
	if b == nil {
		return true
	}
	score := func(set []gateLit) (int, bool) {
		n, cs := 1<<30, true
		for _, l := range set {
			n = min(n, len(l.text))
			cs = cs && !l.fold
		}
		return n, cs
	}
	na, ca := score(a)
	nb, cb := score(b)
	if na != nb {
		return na > nb
	}
	return ca && !cb
}

// matches returns the branch's matches in window, leftmost first, as
// FindAllSubmatchIndex does, except that the search for the next one
// starts where the secret ended, not the match: the byte a pattern's
// trailing delimiter took after the secret ((?:[^0-9A-Za-z_-]|$)) may be
// the next token's leading one too ((?:^|[^0-9A-Za-z_-])), as in a list
// of bare tokens one per line, of which FindAll skips every second.
func (b *branchPattern) matches(window []byte) [][]int {
	var out [][]int
	for pos := 0; pos <= len(window); {
		m := b.re.FindSubmatchIndex(window[pos:])
		if m == nil {
			break
		}
		for i := range m {
			if m[i] >= 0 {
				m[i] += pos
			}
		}
		out = append(out, m)
		next := m[1]
		for _, ix := range b.secretIx {
			if m[2*ix] >= 0 {
				if hi := m[2*ix+1]; hi > m[0] && hi < next {
					next = hi
				}
				break
			}
		}
		if next <= m[0] {
			next = m[0] + 1 // an empty match
		}
		pos = next
	}
	return out
}

// open reports whether the window holds one of the branch's gate texts.
func (b *branchPattern) open(window []byte) bool {
	if len(b.gate) == 0 {
		return true
	}
	for _, g := range b.gate {
		if g.fold {
			if indexFold(window, g.text, 0) >= 0 {
				return true
			}
		} else if bytes.Contains(window, []byte(g.text)) {
			return true
		}
	}
	return false
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// CompileRule checks a spec and compiles it into a detector.
func CompileRule(spec RuleSpec) (*Rule, error) {
	if err := checkNames(spec); err != nil {
		return nil, err
	}
	// regexp.Compile parses with exactly these flags, so a pattern that
	// parses here compiles later.
	parsed, err := syntax.Parse(spec.Pattern, syntax.Perl)
	if err != nil {
		return nil, fmt.Errorf("rule %s: pattern: %w", spec.ID, err)
	}
	// the bound is read off the parsed pattern, where counted repeats
	// multiply (Simplify would expand them first: 8 ms of start-up)
	maxLen := spec.MaxLen
	if maxLen <= 0 {
		n, bounded := regexpMaxLen(parsed)
		if !bounded {
			return nil, fmt.Errorf("rule %s: pattern has no upper bound on its length; set max_len", spec.ID)
		}
		maxLen = n
	}
	return compileChecked(spec, maxLen)
}

// CompileBuiltin compiles a spec that go generate ./rules has already
// checked with CompileRule (the pattern parses and is bounded by maxLen,
// its computed bound), without parsing the pattern: that waits for the
// first window that reaches the rule.
func CompileBuiltin(spec RuleSpec, maxLen int) (*Rule, error) {
	if spec.Pattern == "" || maxLen <= 0 {
		return nil, fmt.Errorf("rule %q: built-in spec without pattern or bound", spec.ID)
	}
	return compileChecked(spec, maxLen)
}

func checkNames(spec RuleSpec) error {
	if spec.ID == "" || spec.Provider == "" || spec.Kind == "" {
		return fmt.Errorf("rule %q: id, provider and kind are required", spec.ID)
	}
	if len(spec.Literals) == 0 {
		return fmt.Errorf("rule %s: at least one literal is required", spec.ID)
	}
	return nil
}

// compileChecked does the checks that need no parsed pattern.
func compileChecked(spec RuleSpec, maxLen int) (*Rule, error) {
	if err := checkNames(spec); err != nil {
		return nil, err
	}
	pattern := spec.Pattern
	r := &Rule{spec: spec, maxLen: maxLen, pat: sync.OnceValue(func() *compiledPattern { return compilePattern(pattern) })}
	for _, p := range spec.RedactPrefix {
		if len(p) < 2 {
			return nil, fmt.Errorf("rule %s: redact_prefix %q is shorter than 2 bytes", spec.ID, p)
		}
	}
	if r.maxLen > MaxWindow {
		return nil, fmt.Errorf("rule %s: max length %d exceeds %d", spec.ID, r.maxLen, MaxWindow)
	}
	for _, l := range spec.Literals {
		if len(l) < 3 {
			return nil, fmt.Errorf("rule %s: literal %q is shorter than 3 bytes", spec.ID, l)
		}
	}
	if spec.Validate != "" {
		v, ok := Validator(spec.Validate)
		if !ok {
			return nil, fmt.Errorf("rule %s: unknown validation %q", spec.ID, spec.Validate)
		}
		r.validate = v
		r.checksum = checksumCheck(spec.Validate)
	}
	if r.checksum != "" {
		r.names = tellingNames(spec)
	}
	for _, n := range spec.Names {
		if len(n) < 3 {
			return nil, fmt.Errorf("rule %s: name %q is shorter than 3 bytes", spec.ID, n)
		}
	}
	if spec.Decode != "" {
		d, ok := scope.Decoder(spec.Decode)
		if !ok {
			return nil, fmt.Errorf("rule %s: unknown decoder %q", spec.ID, spec.Decode)
		}
		r.decode = d
	}
	if err := spec.Scope.Validate(); err != nil {
		return nil, fmt.Errorf("rule %s: %w", spec.ID, err)
	}
	if spec.Scope.Confidence == scope.ConfidenceVerified {
		return nil, fmt.Errorf("rule %s: confidence verified is set only by the issuer's answer (scan --verify)", spec.ID)
	}
	r.spec.Scope = spec.Scope.Normalize()
	if r.spec.Scope.Confidence == scope.ConfidenceDefault && len(spec.Scope.Evidence) > 0 {
		r.spec.Scope.Confidence = scope.ConfidencePrefix
	}
	return r, nil
}

// Spec returns the rule as written.
func (r *Rule) Spec() RuleSpec { return r.spec }

func (r *Rule) Info() Info {
	return Info{ID: r.spec.ID, Provider: r.spec.Provider, Kind: r.spec.Kind, Description: r.spec.Description, Base: r.spec.Scope}
}

func (r *Rule) Literals() []string { return r.spec.Literals }

// MaxLen is the pattern's bound, and for a checksummed format nameReach
// more, so that the window shows a telling name on the token's line (the
// set's windows reach MaxLen on either side of a literal).
func (r *Rule) MaxLen() int {
	if r.checksum != "" || r.shape != nil {
		return r.maxLen + nameReach
	}
	return r.maxLen
}

// PatternLen is the longest match of the rule's pattern (what go generate
// stores for CompileBuiltin).
func (r *Rule) PatternLen() int { return r.maxLen }

// nameReach is how far a telling name may sit from a checksummed token
// beyond the pattern's own bound.
const nameReach = 64

func (r *Rule) Find(window []byte, emit func(Candidate)) {
	c := r.pat()
	if len(c.branches) == 1 {
		r.findBranch(c.branches[0], window, nil, emit)
		return
	}
	// each branch is searched alone; a later branch's match that overlaps
	// an earlier one's is dropped, and the candidates go out in order
	var got []Candidate
	for _, b := range c.branches {
		r.findBranch(b, window, got, func(cd Candidate) { got = append(got, cd) })
	}
	sort.SliceStable(got, func(i, j int) bool { return got[i].Start < got[j].Start })
	for _, cd := range got {
		emit(cd)
	}
}

// findBranch emits the candidates of one branch that overlap none of
// taken.
func (r *Rule) findBranch(b *branchPattern, window []byte, taken []Candidate, emit func(Candidate)) {
	if !b.open(window) {
		return
	}
next:
	for _, m := range b.matches(window) {
		if b.wordStart && m[0] > 0 && m[0] < len(window) && isWordByte(window[m[0]-1]) == isWordByte(window[m[0]]) {
			continue
		}
		lo, hi := m[0], m[1]
		prefix := b.litPrefix[len(b.secretIx)]
		for k, ix := range b.secretIx {
			if m[2*ix] >= 0 {
				lo, hi = m[2*ix], m[2*ix+1]
				prefix = b.litPrefix[k]
				break
			}
		}
		for _, t := range taken {
			if lo < t.End && t.Start < hi {
				continue next
			}
		}
		secret := string(window[lo:hi])
		if r.denied(window[m[0]:m[1]]) || notAValue(secret, r.spec.Literals) || inBase64Block(window, lo, hi) {
			continue
		}
		named := ""
		if r.validate != nil && !r.validate(secret) {
			if r.checksum == "" {
				continue
			}
			if named = r.tellingName(window, lo, hi); named == "" {
				continue
			}
		}
		if r.spec.MinEntropy > 0 && Entropy(secret) < r.spec.MinEntropy {
			continue
		}
		sc := r.spec.Scope.Clone()
		if r.decode != nil {
			sc = r.decode(secret, sc)
		}
		if named != "" {
			sc.Doubt = "checksum invalid"
			sc.Confidence = scope.ConfidenceContext
			sc.Evidence = append([]string{"checksum invalid: " + r.checksum + "; reported because the line names " + named}, sc.Evidence...)
		}
		var attrs map[string]string
		for name, ixs := range b.attrIx {
			for _, ix := range ixs {
				if m[2*ix] >= 0 {
					if attrs == nil {
						attrs = map[string]string{}
					}
					attrs[name] = string(window[m[2*ix]:m[2*ix+1]])
					break
				}
			}
		}
		cd := Candidate{
			RuleID: r.spec.ID, Provider: r.spec.Provider, Kind: r.spec.Kind,
			Secret: secret, Prefix: r.redactPrefix(secret, prefix), Start: lo, End: hi, Scope: sc, Attrs: attrs,
		}
		if r.shape != nil {
			r.shape.settle(window, &cd)
		}
		emit(cd)
	}
}

// denied reports whether a match holds one of the rule's placeholder markers.
func (r *Rule) denied(match []byte) bool {
	for _, d := range r.spec.Deny {
		if strings.Contains(string(match), d) {
			return true
		}
	}
	return false
}

// regexpMaxLen returns the longest byte length re can match, and false when
// it has no bound.
func regexpMaxLen(re *syntax.Regexp) (int, bool) {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary, syntax.OpNoMatch:
		return 0, true
	case syntax.OpLiteral:
		n := 0
		for _, r := range re.Rune {
			n += utf8.RuneLen(r)
			if re.Flags&syntax.FoldCase != 0 && r < utf8.RuneSelf {
				// folded ASCII stays one byte
				continue
			}
		}
		return n, true
	case syntax.OpCharClass:
		maxRune := rune(0)
		for i := 1; i < len(re.Rune); i += 2 {
			if re.Rune[i] > maxRune {
				maxRune = re.Rune[i]
			}
		}
		if maxRune < utf8.RuneSelf {
			return 1, true
		}
		return utf8.UTFMax, true
	case syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		return utf8.UTFMax, true
	case syntax.OpCapture:
		return regexpMaxLen(re.Sub[0])
	case syntax.OpQuest:
		return regexpMaxLen(re.Sub[0])
	case syntax.OpStar, syntax.OpPlus:
		return 0, false
	case syntax.OpRepeat:
		if re.Max < 0 {
			return 0, false
		}
		n, ok := regexpMaxLen(re.Sub[0])
		return n * re.Max, ok
	case syntax.OpConcat:
		total := 0
		for _, s := range re.Sub {
			n, ok := regexpMaxLen(s)
			if !ok {
				return 0, false
			}
			total += n
		}
		return total, true
	case syntax.OpAlternate:
		best := 0
		for _, s := range re.Sub {
			n, ok := regexpMaxLen(s)
			if !ok {
				return 0, false
			}
			if n > best {
				best = n
			}
		}
		return best, true
	}
	return 0, false
}

// Validator returns the named offline structure check.
func Validator(name string) (func(string) bool, bool) {
	switch strings.ToLower(name) {
	case "github-crc32":
		return ValidGitHubChecksum, true
	case "npm-crc32":
		return ValidNpmChecksum, true
	case "azure-sas":
		return ValidAzureSAS, true
	case "basic-credentials":
		return ValidBasicCredentials, true
	}
	return nil, false
}

// checksumCheck describes the named validation when it checks a checksum,
// and returns "" for structure checks (a query string without sv= is no SAS
// at all, whatever its name).
func checksumCheck(name string) string {
	switch strings.ToLower(name) {
	case "github-crc32", "npm-crc32":
		return "the last 6 characters are not the Base62 CRC32 of the 30 before them (mistyped, truncated or made up)"
	}
	return ""
}

// tellingNames lists, lower case, what names the vendor on a line: the
// provider (letters and digits, at least 3) and the spec's names. The
// literals' stems (ghp of ghp_) are left out: another token of the same
// shape on the line would name it.
func tellingNames(spec RuleSpec) []string {
	var out []string
	add := func(n string) {
		n = strings.ToLower(n)
		if len(n) < 3 {
			return
		}
		for _, o := range out {
			if o == n {
				return
			}
		}
		out = append(out, n)
	}
	var b strings.Builder
	for _, c := range spec.Provider {
		if c < utf8.RuneSelf && (c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			b.WriteRune(c)
		}
	}
	add(b.String())
	for _, n := range spec.Names {
		add(n)
	}
	return out
}

// tellingName returns the word on the line of window[lo:hi] (the token
// left out) that holds one of the rule's telling names, or "". The line is
// what the window holds of it: a rule's window reaches its maximum length
// on either side of the literal.
func (r *Rule) tellingName(window []byte, lo, hi int) string {
	return lineName(window, lo, hi, r.names)
}

func isNameByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// redactPrefix picks the prefix redaction keeps: the longest listed
// redact_prefix the secret starts with, else the longest of the pattern's
// constant starts (at least 3 bytes) it starts with.
func (r *Rule) redactPrefix(secret string, literal []string) string {
	best := ""
	for _, p := range r.spec.RedactPrefix {
		if len(p) > len(best) && strings.HasPrefix(secret, p) {
			best = p
		}
	}
	if best != "" {
		return best
	}
	for _, p := range literal {
		if len(p) >= 3 && len(p) > len(best) && strings.HasPrefix(secret, p) {
			best = p
		}
	}
	return best
}

// findCapture returns the capture group with index ix in re, or nil.
func findCapture(re *syntax.Regexp, ix int) *syntax.Regexp {
	if re.Op == syntax.OpCapture && re.Cap == ix {
		return re
	}
	for _, sub := range re.Sub {
		if c := findCapture(sub, ix); c != nil {
			return c
		}
	}
	return nil
}

// literalStarts lists the constant texts a match of re can start with,
// read off the pattern: case-sensitive literals, small character classes
// (at most 4 characters: [po] in dd[po]_), alternations and optional
// groups at its start, through captures and concatenations, skipping
// zero-width assertions (\b, ^). It stops at anything that can vary more
// (a larger class, a repeat, case folding) and gives up on more than 16
// combinations, so nothing it returns can hold a random part of a secret.
func literalStarts(re *syntax.Regexp) []string {
	set, _ := starts(re)
	return set
}

// starts returns the possible constant starts of re and whether each of
// them is the whole of re's match (so what follows may extend them).
func starts(re *syntax.Regexp) ([]string, bool) {
	const maxSet = 16
	if re == nil {
		return nil, false
	}
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return []string{""}, false
		}
		return []string{string(re.Rune)}, true
	case syntax.OpCharClass:
		var rs []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if len(rs) == 4 {
					return []string{""}, false
				}
				rs = append(rs, string(r))
			}
		}
		return rs, true
	case syntax.OpCapture:
		return starts(re.Sub[0])
	case syntax.OpWordBoundary, syntax.OpNoWordBoundary, syntax.OpBeginLine, syntax.OpBeginText, syntax.OpEmptyMatch:
		return []string{""}, true
	case syntax.OpQuest:
		set, whole := starts(re.Sub[0])
		return append(set, ""), whole
	case syntax.OpPlus:
		set, _ := starts(re.Sub[0])
		return set, false
	case syntax.OpRepeat:
		if re.Min == 0 {
			return []string{""}, false
		}
		set, _ := starts(re.Sub[0])
		return set, false
	case syntax.OpAlternate:
		var all []string
		whole := true
		for _, sub := range re.Sub {
			set, w := starts(sub)
			all = append(all, set...)
			whole = whole && w
		}
		if len(all) > maxSet {
			return []string{""}, false
		}
		return all, whole
	case syntax.OpConcat:
		cur := []string{""}
		for _, sub := range re.Sub {
			set, whole := starts(sub)
			if len(cur)*len(set) > maxSet {
				return cur, false
			}
			next := make([]string, 0, len(cur)*len(set))
			for _, a := range cur {
				for _, b := range set {
					next = append(next, a+b)
				}
			}
			cur = next
			if !whole {
				return cur, false
			}
		}
		return cur, true
	}
	return []string{""}, false
}

// notAValue reports secrets that are no value at all: a template
// placeholder ({{ .Values.token }}, {{rand 16 alnum}}) or one of the
// rule's own key names (a list of names, as in the rule files
// themselves: HASURA_GRAPHQL_ADMIN_SECRET', 'HASURA_ADMIN_SECRET').
func notAValue(secret string, literals []string) bool {
	if strings.Contains(secret, "{{") {
		return true
	}
	for _, l := range literals {
		if strings.EqualFold(strings.TrimRight(secret, "'\"`,"), l) {
			return true
		}
	}
	return false
}
