package config

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// Allow decides which findings a config suppresses. It is immutable and
// safe for concurrent use. A nil *Allow allows nothing but the built-in
// defaults.
type Allow struct {
	file     string
	fps      map[string]bool
	all      *allowList
	perRule  map[string]*allowList
	defaults bool
}

type allowList struct {
	at        string // "allow" or "allow.rules.ID", for reasons
	paths     []string
	values    []*regexp.Regexp
	stopwords []string // lowercased
}

func compileAllow(d *doc, s AllowSpec) *Allow {
	a := &Allow{file: d.file, defaults: s.Defaults == nil || *s.Defaults}
	a.all = compileList(d, "allow", s.Paths, s.Values, s.Stopwords)
	if len(s.Fingerprints) > MaxListLen {
		d.errAt("allow.fingerprints", "%d entries; a config may list at most %d", len(s.Fingerprints), MaxListLen)
	}
	for i, fp := range s.Fingerprints {
		if !isHex(fp) || len(fp) < 16 {
			d.errAt(fmt.Sprintf("allow.fingerprints[%d]", i), "%q is not a fingerprint (hex digits, as reports print them)", fp)
			continue
		}
		if a.fps == nil {
			a.fps = map[string]bool{}
		}
		a.fps[strings.ToLower(fp)] = true
	}
	if len(s.Rules) > 0 {
		a.perRule = map[string]*allowList{}
		for id, r := range s.Rules {
			a.perRule[id] = compileList(d, "allow.rules."+id, r.Paths, r.Values, r.Stopwords)
		}
	}
	return a
}

func compileList(d *doc, at string, paths, values, stop []string) *allowList {
	l := &allowList{at: at}
	for name, n := range map[string]int{"paths": len(paths), "values": len(values), "stopwords": len(stop)} {
		if n > MaxListLen {
			d.errAt(at+"."+name, "%d entries; a config may list at most %d (every finding is checked against each)", n, MaxListLen)
			return l
		}
	}
	for i, p := range paths {
		if err := validGlob(p); err != nil {
			d.errAt(fmt.Sprintf("%s.paths[%d]", at, i), "%q: %v", p, err)
			continue
		}
		l.paths = append(l.paths, p)
	}
	for i, v := range values {
		if v == "" {
			d.errAt(fmt.Sprintf("%s.values[%d]", at, i), "empty regexp (it would allow every secret)")
			continue
		}
		re, err := regexp.Compile(v)
		if err != nil {
			d.errAt(fmt.Sprintf("%s.values[%d]", at, i), "not a valid Go regexp: %v", err)
			continue
		}
		l.values = append(l.values, re)
	}
	for i, w := range stop {
		if len(strings.TrimSpace(w)) < 3 {
			d.errAt(fmt.Sprintf("%s.stopwords[%d]", at, i), "stopword %q is shorter than 3 characters", w)
			continue
		}
		l.stopwords = append(l.stopwords, strings.ToLower(w))
	}
	return l
}

func (l *allowList) match(rel, secret string) string {
	if l == nil {
		return ""
	}
	if rel != "" {
		base := path.Base(rel)
		for _, p := range l.paths {
			if ok, _ := doublestar.Match(p, rel); ok {
				return fmt.Sprintf("%s.paths %q", l.at, p)
			}
			if !strings.Contains(p, "/") {
				if ok, _ := doublestar.Match(p, base); ok {
					return fmt.Sprintf("%s.paths %q", l.at, p)
				}
			}
		}
	}
	if secret == "" {
		return ""
	}
	for _, re := range l.values {
		if re.MatchString(secret) {
			return fmt.Sprintf("%s.values %q", l.at, re.String())
		}
	}
	if len(l.stopwords) > 0 {
		low := strings.ToLower(secret)
		for _, w := range l.stopwords {
			if strings.Contains(low, w) {
				return fmt.Sprintf("%s.stopwords %q", l.at, w)
			}
		}
	}
	return ""
}

// Allow returns the config's allowlist; on a nil Config, the built-in
// defaults alone.
func (c *Config) Allow() *Allow {
	if c == nil {
		return &Allow{defaults: true}
	}
	return c.allow
}

// Match returns why a finding of rule at rel (its path relative to the
// scanned root, slash-separated) with this raw secret is allowed, or "".
// The reason names the config file and the entry that matched.
func (a *Allow) Match(rule, rel, secret string) string {
	if a == nil {
		return ""
	}
	if a.defaults {
		if why := defaultAllowed(secret); why != "" {
			return "built-in allowlist: " + why
		}
	}
	if why := a.all.match(rel, secret); why != "" {
		return a.file + ": " + why
	}
	if why := a.perRule[rule].match(rel, secret); why != "" {
		return a.file + ": " + why
	}
	return ""
}

// Empty reports whether the allowlist can only match the defaults.
func (a *Allow) Empty() bool {
	if a == nil {
		return true
	}
	if !a.all.empty() || len(a.fps) > 0 {
		return false
	}
	for _, l := range a.perRule {
		if !l.empty() {
			return false
		}
	}
	return true
}

func (l *allowList) empty() bool {
	return l == nil || len(l.paths)+len(l.values)+len(l.stopwords) == 0
}

// RuleIDs lists the rule ids with an allowlist of their own, sorted.
func (a *Allow) RuleIDs() []string {
	if a == nil {
		return nil
	}
	out := make([]string, 0, len(a.perRule))
	for id := range a.perRule {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// knownExamples are SHA-256 digests of credentials that vendors publish in
// their documentation as examples, so that a scan of docs, tests and
// emulator configs does not report them. They are kept as digests so the
// values themselves are not written here.
var knownExamples = map[string]string{
	// AWS documentation's example access key id and secret access key
	// (https://docs.aws.amazon.com/IAM/latest/UserGuide/security-creds.html)
	"1a5d44a2dca19669d72edf4c4f1c27c4c1ca4b4408fbb17f6ce4ad452d78ddb3": "AWS documentation example key id",
	"78314b11be2e581549ac1c4f616563fad3fdf0c3b71678f6e2299182080e0598": "AWS documentation example secret key",
	// Azurite's published devstoreaccount1 account key
	// (https://learn.microsoft.com/azure/storage/common/storage-use-azurite)
	"0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059": "Azurite emulator well-known account key",
	// the Cosmos DB emulator's published well-known key
	// (https://learn.microsoft.com/azure/cosmos-db/emulator)
	"aa6547439583c3a275d4542a0df6c1ad6a863971be9f2a2220f027cc02aef615": "Cosmos DB emulator well-known key",
}

// defaultAllowed says why a secret is a documented example, or "".
func defaultAllowed(secret string) string {
	if len(secret) < 16 || len(secret) > 200 {
		return ""
	}
	sum := sha256.Sum256([]byte(secret))
	if why, ok := knownExamples[hex.EncodeToString(sum[:])]; ok {
		return why
	}
	return ""
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return s != ""
}

// MatchFingerprint returns why a credential with this fingerprint is
// allowed by allow.fingerprints, or "".
func (a *Allow) MatchFingerprint(fp string) string {
	if a == nil || !a.fps[fp] {
		return ""
	}
	return a.file + ": allow.fingerprints " + fp
}
