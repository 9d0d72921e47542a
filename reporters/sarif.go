package reporters

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/scanner"
)

// SARIF writes a SARIF 2.1.0 log shaped for GitHub code scanning (see
// docs/reports.md for the mapping): one rules[] entry per rule that a
// finding names, a level and security-severity from the severity, a
// relative location (or a logical one for findings that have no file),
// partialFingerprints from the credential's fingerprint, and the full scope
// in each result's properties. The raw secret appears only in
// properties.secret, and only with Run.ShowSecrets.
type SARIF struct{}

// SARIF constants.
const (
	SARIFVersion = "2.1.0"
	SARIFSchema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	// InformationURI is the tool's home page in the SARIF driver.
	InformationURI = "https://github.com/tokenscope/tokenscope"
	// SrcRoot is the uriBaseId of relative locations: the directory the
	// scan ran in (Run.BaseDir).
	SrcRoot = "%SRCROOT%"
	// HomeRoot is the uriBaseId of locations written "~/..." (credential
	// stores in the home directory).
	HomeRoot = "HOME"
	// maxRelated caps relatedLocations (further places of one credential).
	maxRelated = 10
)

// SecuritySeverity is the CVSS-like score GitHub code scanning reads from
// a rule's properties["security-severity"]: GitHub shows > 9.0 as
// critical, 7.0-8.9 high, 4.0-6.9 medium and 0.1-3.9 low.
func SecuritySeverity(s scope.Severity) string {
	switch s {
	case scope.SevCritical:
		return "9.5"
	case scope.SevHigh:
		return "8.0"
	case scope.SevMedium:
		return "5.5"
	case scope.SevLow:
		return "3.0"
	}
	return "1.0"
}

// SARIFLevel maps a severity to a SARIF level: critical and high are
// errors, medium a warning, low and info notes.
func SARIFLevel(s scope.Severity) string {
	switch {
	case s >= scope.SevHigh:
		return "error"
	case s == scope.SevMedium:
		return "warning"
	}
	return "note"
}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                        `json:"tool"`
	AutomationDetails  sarifAutomation                  `json:"automationDetails"`
	Invocations        []sarifInvocation                `json:"invocations"`
	OriginalURIBaseIDs map[string]sarifArtifactLocation `json:"originalUriBaseIds,omitempty"`
	Results            []sarifResult                    `json:"results"`
	ColumnKind         string                           `json:"columnKind"`
	Properties         sarifRunProps                    `json:"properties"`
}

// sarifAutomation is the run's runAutomationDetails: its id is
// "CATEGORY/RUN", and code scanning keeps one set of alerts per category.
type sarifAutomation struct {
	ID string `json:"id"`
}

type sarifRunProps struct {
	Command string   `json:"command"`
	Roots   []string `json:"roots"`
	FailOn  string   `json:"failOn"`
	Items   int64    `json:"items"`
	Bytes   int64    `json:"bytes"`
	Failing int      `json:"failing"`
	// Verification is set with scan --verify.
	Verification *VerifyInfo `json:"verification,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name            string      `json:"name"`
	Version         string      `json:"version,omitempty"`
	SemanticVersion string      `json:"semanticVersion,omitempty"`
	InformationURI  string      `json:"informationUri"`
	Rules           []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifHelp struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type sarifRule struct {
	ID                   string          `json:"id"`
	Name                 string          `json:"name"`
	ShortDescription     sarifText       `json:"shortDescription"`
	FullDescription      sarifText       `json:"fullDescription"`
	Help                 sarifHelp       `json:"help"`
	DefaultConfiguration sarifRuleConfig `json:"defaultConfiguration"`
	Properties           sarifRuleProps  `json:"properties"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Tags             []string    `json:"tags"`
	Precision        string      `json:"precision"`
	SecuritySeverity string      `json:"security-severity"`
	Provider         string      `json:"provider"`
	Kind             string      `json:"kind"`
	BaseScope        scope.Scope `json:"baseScope"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
	// ToolConfigurationNotifications carry Run.Notices.
	ToolConfigurationNotifications []sarifNotification `json:"toolConfigurationNotifications,omitempty"`
}

type sarifNotification struct {
	Level      string            `json:"level"`
	Message    sarifText         `json:"message"`
	Descriptor sarifDescriptor   `json:"descriptor"`
	Locations  []sarifLocation   `json:"locations,omitempty"`
	Properties map[string]string `json:"properties,omitempty"`
}

type sarifDescriptor struct {
	ID string `json:"id"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	RelatedLocations    []sarifLocation    `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Properties          sarifResultProps   `json:"properties"`
}

// sarifSuppression is SARIF's suppression object: "inSource" for an allow
// comment in the scanned file, "external" for a baseline or allow-list.
type sarifSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification,omitempty"`
}

type sarifResultProps struct {
	Severity         string         `json:"severity"`
	SecuritySeverity string         `json:"security-severity"`
	Fingerprint      string         `json:"fingerprint"`
	Provider         string         `json:"provider"`
	Kind             string         `json:"kind"`
	Redacted         string         `json:"redacted"`
	Secret           string         `json:"secret,omitempty"`
	Key              string         `json:"key,omitempty"`
	Scope            scope.Scope    `json:"scope"`
	ScopeWords       string         `json:"scopeWords"`
	Radius           string         `json:"radius"`
	FailsRun         bool           `json:"failsRun"`
	Origin           scanner.Origin `json:"origin"`
	Location         string         `json:"location"`
	// Image, Layer and LayerInstruction name a container image finding's
	// image, layer digest and the build step that created the layer.
	Image            string            `json:"image,omitempty"`
	Layer            string            `json:"layer,omitempty"`
	LayerInstruction string            `json:"layerInstruction,omitempty"`
	Attrs            map[string]string `json:"attrs,omitempty"`
	AlsoCount        int               `json:"alsoCount,omitempty"`
	// Verification is the issuer's answer (scan --verify).
	Verification *scanner.Verification `json:"verification,omitempty"`
}

type sarifLocation struct {
	ID               *int                `json:"id,omitempty"`
	PhysicalLocation *sarifPhysical      `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogicalPlace `json:"logicalLocations,omitempty"`
	Message          *sarifText          `json:"message,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI         string     `json:"uri,omitempty"`
	URIBaseID   string     `json:"uriBaseId,omitempty"`
	Description *sarifText `json:"description,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
}

type sarifLogicalPlace struct {
	Name               string           `json:"name"`
	FullyQualifiedName string           `json:"fullyQualifiedName"`
	Kind               string           `json:"kind"`
	Properties         *sarifLayerProps `json:"properties,omitempty"`
}

// sarifLayerProps are an image layer's logical location's properties.
type sarifLayerProps struct {
	Digest      string `json:"layerDigest,omitempty"`
	Instruction string `json:"instruction,omitempty"`
}

func (SARIF) Report(w io.Writer, run Run, res *scanner.Result) error {
	rules, index := sarifRules(run, res)
	bases := map[string]bool{}
	results := make([]sarifResult, 0, len(res.Findings))
	occurrences := map[string]int{}
	failing := 0
	for _, f := range res.Findings {
		if f.FailsRun {
			failing++
		}
		results = append(results, sarifResultOf(run, f, index[f.RuleID], bases, occurrences))
	}
	roots := run.Roots
	if roots == nil {
		roots = []string{}
	}
	log := sarifLog{
		Schema:  SARIFSchema,
		Version: SARIFVersion,
		Runs: []sarifRun{{
			Tool: sarifTool{Driver: sarifDriver{
				Name:            toolName(run),
				Version:         run.ToolVersion,
				SemanticVersion: semver(run.ToolVersion),
				InformationURI:  InformationURI,
				Rules:           rules,
			}},
			AutomationDetails: sarifAutomation{ID: AutomationID(run)},
			Invocations: []sarifInvocation{{
				ExecutionSuccessful:            !run.Incomplete,
				ToolExecutionNotifications:     sarifNotifications(res.Skipped, bases),
				ToolConfigurationNotifications: configNotifications(run.Notices),
			}},
			Results:    results,
			ColumnKind: "utf16CodeUnits",
			Properties: sarifRunProps{
				Command: run.Command, Roots: roots, FailOn: run.FailOn.String(),
				Items: res.Stats.Items, Bytes: res.Stats.Bytes, Failing: failing,
				Verification: run.Verify,
			},
		}},
	}
	if len(bases) > 0 {
		log.Runs[0].OriginalURIBaseIDs = map[string]sarifArtifactLocation{}
		if bases[SrcRoot] {
			loc := sarifArtifactLocation{Description: &sarifText{Text: "The directory tokenscope ran in; relative paths start here."}}
			if u := dirURI(run.BaseDir); u != "" {
				loc.URI = u
			}
			log.Runs[0].OriginalURIBaseIDs[SrcRoot] = loc
		}
		if bases[HomeRoot] {
			log.Runs[0].OriginalURIBaseIDs[HomeRoot] = sarifArtifactLocation{
				Description: &sarifText{Text: "The home directory of the user tokenscope ran as."},
			}
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

// AutomationID is the SARIF runAutomationDetails.id of a run: the
// category (Run.Category, default "tokenscope/COMMAND") and a slash, with
// no run part, so that every run of one category replaces the last in
// code scanning while the report stays deterministic.
func AutomationID(run Run) string {
	cat := strings.Trim(run.Category, "/")
	if cat == "" {
		cat = toolName(run) + "/" + run.Command
		if run.Command == "" {
			cat = toolName(run)
		}
	}
	return cat + "/"
}

func toolName(run Run) string {
	if run.ToolName == "" {
		return "tokenscope"
	}
	return run.ToolName
}

// semver returns v without a leading "v" when it is a semantic version
// (MAJOR.MINOR.PATCH with optional -pre and +build), else "".
func semver(v string) string {
	v = strings.TrimPrefix(v, "v")
	core := v
	if i := strings.IndexAny(core, "-+"); i >= 0 {
		core = core[:i]
	}
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return ""
	}
	for _, p := range parts {
		if p == "" {
			return ""
		}
		if _, err := strconv.ParseUint(p, 10, 64); err != nil {
			return ""
		}
	}
	return v
}

// sarifRules builds one rule per rule id that a finding names, sorted by
// id, and the index of each id. A rule's security-severity and default
// level come from the most severe of its findings in this run, because
// GitHub reads security-severity from the rule only.
func sarifRules(run Run, res *scanner.Result) ([]sarifRule, map[string]int) {
	infos := RulesUsed(run, res)
	worst := map[string]scope.Severity{}
	first := map[string]scope.Scope{}
	for _, f := range res.Findings {
		if s, ok := worst[f.RuleID]; !ok || f.Severity > s {
			worst[f.RuleID] = f.Severity
		}
		if _, ok := first[f.RuleID]; !ok {
			first[f.RuleID] = f.Scope
		}
	}
	rules := make([]sarifRule, 0, len(infos))
	index := make(map[string]int, len(infos))
	for i, inf := range infos {
		base := inf.Base
		if base.Access == "" && base.Reach == "" {
			base = first[inf.ID]
		}
		base = base.Normalize()
		sev := worst[inf.ID]
		index[inf.ID] = i
		rules = append(rules, sarifRule{
			ID:               inf.ID,
			Name:             ruleName(inf.ID),
			ShortDescription: sarifText{Text: shortDescription(inf)},
			FullDescription:  sarifText{Text: fullDescription(inf)},
			Help:             ruleHelp(inf, base),
			DefaultConfiguration: sarifRuleConfig{
				Level: SARIFLevel(sev),
			},
			Properties: sarifRuleProps{
				Tags:             ruleTags(inf, base),
				Precision:        rulePrecision(inf.ID),
				SecuritySeverity: SecuritySeverity(sev),
				Provider:         inf.Provider,
				Kind:             inf.Kind,
				BaseScope:        base,
			},
		})
	}
	return rules, index
}

// ruleName turns "github-classic-pat" into "GithubClassicPat", the
// identifier-like name SARIF viewers show next to the id.
func ruleName(id string) string {
	var b strings.Builder
	up := true
	for _, r := range id {
		switch {
		case r == '-' || r == '_' || r == '.' || r == ' ':
			up = true
		case up:
			b.WriteString(strings.ToUpper(string(r)))
			up = false
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func shortDescription(inf detectors.Info) string {
	s := Title(inf.Provider, inf.Kind)
	if s == "" {
		s = inf.ID
	}
	return s
}

func fullDescription(inf detectors.Info) string {
	if inf.Description != "" {
		return inf.Description
	}
	return shortDescription(inf) + " found in readable content."
}

func ruleHelp(inf detectors.Info, base scope.Scope) sarifHelp {
	what := fullDescription(inf)
	can := "What it can do (as documented for this kind of credential): " + base.Words() + "."
	provider := inf.Provider
	if provider == "" {
		provider = "the issuer"
	}
	fix := []string{
		"Revoke or rotate it at " + provider + " now: assume that anyone, or any agent, who could read this file has it.",
		"Replace it with the narrowest credential that does the job (read-only, one project, short-lived), kept in a secret manager or CI secret rather than in the workspace.",
		"Remove it from the file; if it was committed, it stays in git history until the history is rewritten, so rotation is what protects you.",
		"Keep backup credentials separate from the ones production uses.",
	}
	if base.Access == scope.AccessNone {
		fix = []string{
			"Nothing to rotate: this kind of value is meant to be public (it identifies, it does not authorise).",
			"Check that it is the one you meant to publish, and that its secret counterpart is not beside it.",
		}
	}
	var text, md strings.Builder
	text.WriteString(what + "\n\n" + can + "\n")
	md.WriteString("**" + mdEscape(shortDescription(inf)) + "**\n\n" + mdEscape(what) + "\n\n")
	md.WriteString("**What it can do:** " + mdEscape(base.Words()) + "\n")
	if len(base.Evidence) > 0 {
		text.WriteString("Why: " + strings.Join(base.Evidence, "; ") + "\n")
		md.WriteString("\n")
		for _, ev := range base.Evidence {
			md.WriteString("- " + mdEscape(ev) + "\n")
		}
	}
	text.WriteString("\nHow to fix:\n")
	md.WriteString("\n**How to fix**\n\n")
	for i, f := range fix {
		text.WriteString(strconv.Itoa(i+1) + ". " + f + "\n")
		md.WriteString(strconv.Itoa(i+1) + ". " + mdEscape(f) + "\n")
	}
	text.WriteString("\nEach result's properties hold the scope tokenscope found for that credential (it can differ from this rule's documented base scope).")
	md.WriteString("\nEach result's properties hold the scope found for that credential, which can differ from the documented base scope above.")
	return sarifHelp{Text: text.String(), Markdown: md.String()}
}

// mdEscape escapes the characters that would start Markdown markup.
func mdEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`, "<", `&lt;`, ">", `&gt;`, "#", `\#`, "|", `\|`)
	return r.Replace(s)
}

// ruleTags are the tags GitHub shows and filters by: "security" (needed
// for security-severity to count), "secret", the CWE for hard-coded
// credentials, the provider and the documented scope. At most 10, the
// number GitHub keeps.
func ruleTags(inf detectors.Info, base scope.Scope) []string {
	tags := []string{"security", "secret", "external/cwe/cwe-798"}
	if p := slug(inf.Provider); p != "" {
		tags = append(tags, "provider:"+p)
	}
	if base.Access != scope.AccessUnknown {
		tags = append(tags, "access:"+string(base.Access))
	}
	if base.Reach != scope.ReachUnknown {
		tags = append(tags, "scope:"+string(base.Reach))
	}
	if base.Env != scope.EnvUnknown {
		tags = append(tags, "env:"+string(base.Env))
	}
	if base.Lifetime != scope.LifetimeUnknown {
		tags = append(tags, "lifetime:"+string(base.Lifetime))
	}
	if base.Destructive {
		tags = append(tags, "destructive")
	}
	return tags
}

func rulePrecision(id string) string {
	if detectors.IsGeneric(id) {
		return "medium"
	}
	return "high"
}

func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if b.Len() > 0 && !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

func sarifResultOf(run Run, f scanner.Finding, ruleIndex int, bases map[string]bool, occurrences map[string]int) sarifResult {
	loc := sarifLocationOf(f.Origin, f.Key, f.Line, f.Column, f.EndLine, f.EndColumn, bases)
	var related []sarifLocation
	for i, o := range f.Also {
		if i == maxRelated {
			break
		}
		id := i + 1
		l := sarifLocationOf(o, f.Key, 0, 0, 0, 0, bases)
		if l.PhysicalLocation != nil && len(o.Chain) == 0 {
			// The place is known by path and commit, not by line.
			l.PhysicalLocation.Region = nil
		}
		l.ID = &id
		msg := "The same credential"
		if d := OriginDetails(o); d != "" {
			msg += " (" + d + ")"
		}
		l.Message = &sarifText{Text: msg + "."}
		related = append(related, l)
	}
	// The line hash names the credential at its file, not its line, so
	// it survives edits above it and is the same for a git finding that
	// has no working-tree file. The counter keeps two copies of one
	// credential in one file apart, as GitHub's own hashes do.
	place := f.Origin.Path
	if len(f.Origin.Chain) > 0 {
		place = strings.Join(f.Origin.Chain, "!") + "!" + place
	}
	h := sha256.Sum256([]byte(f.RuleID + "\x00" + f.Fingerprint + "\x00" + place))
	lineHash := hex.EncodeToString(h[:8])
	occurrences[lineHash]++
	lineHash += ":" + strconv.Itoa(occurrences[lineHash])

	props := sarifResultProps{
		Severity:         f.Severity.String(),
		SecuritySeverity: SecuritySeverity(f.Severity),
		Fingerprint:      f.Fingerprint,
		Provider:         f.Provider,
		Kind:             f.Kind,
		Redacted:         f.Redacted,
		Key:              f.Key,
		Scope:            f.Scope.Normalize(),
		ScopeWords:       f.Scope.Words(),
		Radius:           RadiusOf(f.Scope).ID(),
		FailsRun:         f.FailsRun,
		Origin:           f.Origin,
		Location:         LocationText(f.Origin, 0, 0),
		Attrs:            f.Attrs,
		AlsoCount:        len(f.Also),
		Verification:     f.Verification,
	}
	if run.ShowSecrets {
		props.Secret = f.Secret
	}
	if f.Origin.Kind == scanner.KindImage && len(f.Origin.Chain) > 0 {
		props.Image = f.Origin.Chain[0]
		props.Layer = f.Origin.Layer
		props.LayerInstruction = f.Origin.Instruction
	}
	return sarifResult{
		RuleID:           f.RuleID,
		RuleIndex:        ruleIndex,
		Level:            SARIFLevel(f.Severity),
		Message:          sarifText{Text: resultMessage(f)},
		Locations:        []sarifLocation{loc},
		RelatedLocations: related,
		PartialFingerprints: map[string]string{
			"primaryLocationLineHash": lineHash,
			"credentialHash/v2":       f.Fingerprint,
		},
		Suppressions: sarifSuppressionsOf(f),
		Properties:   props,
	}
}

func sarifSuppressionsOf(f scanner.Finding) []sarifSuppression {
	if f.Suppressed == nil {
		return nil
	}
	kind := "external"
	if f.Suppressed.Kind == scanner.SuppressInline {
		kind = "inSource"
	}
	return []sarifSuppression{{Kind: kind, Justification: f.Suppressed.Reason}}
}

// resultMessage names the credential without revealing it:
// "GitHub classic personal access token ghp_******** in GITHUB_TOKEN
// (critical): write, account-wide, long-lived, can destroy repositories."
func resultMessage(f scanner.Finding) string {
	var b strings.Builder
	b.WriteString(Title(f.Provider, f.Kind))
	b.WriteString(" " + f.Redacted)
	if f.Key != "" {
		b.WriteString(" in " + f.Key)
	}
	b.WriteString(" (" + f.Severity.String() + "): " + f.Scope.Words() + ".")
	if d := OriginDetails(f.Origin); d != "" {
		b.WriteString(" Found in " + d + ".")
	}
	if len(f.Origin.Chain) > 0 {
		b.WriteString(" At " + OriginText(f.Origin))
		if f.Line > 0 {
			b.WriteString(":" + strconv.Itoa(f.Line))
		}
		b.WriteString(".")
	}
	if v := f.Verification; v != nil {
		b.WriteString(" Issuer (" + v.Host + "): " + v.State + ".")
	}
	return b.String()
}

// sarifLocationOf is a physical location for content with a path, else a
// logical one (an environment variable, a store without a file). Content
// inside containers (archives, images) points at the outermost file, at
// its first line: the only place a code viewer can show.
func sarifLocationOf(o scanner.Origin, key string, line, col, endLine, endCol int, bases map[string]bool) sarifLocation {
	if o.Kind == scanner.KindImage {
		return imageLocation(o)
	}
	path := o.Path
	inside := len(o.Chain) > 0
	if inside {
		path = o.Chain[0]
	}
	if path == "" || (o.Kind == scanner.KindEnv && !inside) {
		name := key
		if name == "" && o.Kind == scanner.KindEnv {
			name = strings.TrimPrefix(o.Path, "env:")
		}
		if name == "" {
			name = o.Store
		}
		kind, fq := "variable", "env:"+name
		if o.Kind != scanner.KindEnv && o.Via != scanner.ViaEnvironment {
			kind, fq = "object", string(o.Kind)+":"+name
		}
		if name == "" {
			name, fq = "environment", "env"
		}
		return sarifLocation{LogicalLocations: []sarifLogicalPlace{{Name: name, FullyQualifiedName: fq, Kind: kind}}}
	}
	uri, base := ArtifactURI(path)
	if base != "" {
		bases[base] = true
	}
	if inside || line < 1 {
		line, col, endLine, endCol = 1, 1, 1, 2
	}
	if col < 1 {
		col = 1
	}
	if endLine < line {
		endLine = line
	}
	if endCol < 1 || (endLine == line && endCol <= col) {
		endCol = col + 1
	}
	return sarifLocation{PhysicalLocation: &sarifPhysical{
		ArtifactLocation: sarifArtifactLocation{URI: uri, URIBaseID: base},
		Region:           &sarifRegion{StartLine: line, StartColumn: col, EndLine: endLine, EndColumn: endCol},
	}}
}

func sarifNotifications(skipped []scanner.Skipped, bases map[string]bool) []sarifNotification {
	var out []sarifNotification
	for _, s := range skipped {
		n := sarifNotification{
			Level:      "warning",
			Message:    sarifText{Text: s.Reason},
			Descriptor: sarifDescriptor{ID: "skipped"},
		}
		if s.Partial {
			n.Level = "note"
			n.Descriptor.ID = "scanned-in-part"
		}
		if s.Path != "" {
			uri, base := ArtifactURI(s.Path)
			if base != "" {
				bases[base] = true
			}
			n.Locations = []sarifLocation{{PhysicalLocation: &sarifPhysical{
				ArtifactLocation: sarifArtifactLocation{URI: uri, URIBaseID: base},
			}}}
		}
		out = append(out, n)
	}
	return out
}

// ArtifactURI turns a finding's path into a SARIF artifact URI and the
// uriBaseId it is relative to: a relative path becomes a relative URI
// under %SRCROOT% (forward slashes, each byte outside the unreserved set
// percent-encoded); "~/..." is relative to HOME; an absolute path becomes a
// file:// URI with no base.
func ArtifactURI(path string) (uri, baseID string) {
	p := strings.ReplaceAll(path, `\`, "/")
	if u, ok := remoteURI(p); ok {
		return u, ""
	}
	switch {
	case strings.HasPrefix(p, "~/"):
		return encodePath(strings.TrimLeft(p[2:], "/")), HomeRoot
	case strings.HasPrefix(p, "/"):
		return "file://" + encodePath(p), ""
	case len(p) >= 3 && p[1] == ':' && p[2] == '/' && isLetter(p[0]):
		return "file:///" + p[:2] + encodePath(p[2:]), ""
	}
	for strings.HasPrefix(p, "./") {
		p = strings.TrimLeft(p[2:], "/")
	}
	return encodePath(p), SrcRoot
}

// remoteURI is the absolute URI of a path inside a remote repository
// (scan https://host/org/repo): "scheme://authority" kept, the path
// percent-encoded; git's scp-like user@host:path becomes ssh://.
func remoteURI(p string) (string, bool) {
	if i := strings.Index(p, "://"); i > 0 && isScheme(p[:i]) {
		rest := p[i+3:]
		j := strings.Index(rest, "/")
		if j < 0 {
			return p, true
		}
		return p[:i+3] + rest[:j] + encodePath(rest[j:]), true
	}
	colon := strings.Index(p, ":")
	if colon > 0 && colon < len(p)-1 && !strings.ContainsAny(p[:colon], "/") {
		if at := strings.Index(p[:colon], "@"); at > 0 && at < colon-1 {
			return "ssh://" + p[:colon] + "/" + encodePath(strings.TrimLeft(p[colon+1:], "/")), true
		}
	}
	return "", false
}

func isScheme(s string) bool {
	if s == "" || !isLetter(s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isLetter(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

// dirURI is the file:// URI of an absolute directory, ending in "/" as
// SARIF requires of a base; "" when dir is not absolute.
func dirURI(dir string) string {
	if dir == "" {
		return ""
	}
	u, base := ArtifactURI(dir)
	if base != "" {
		return ""
	}
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u
}

func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

// encodePath percent-encodes every byte of p except unreserved characters
// (RFC 3986: letters, digits, - . _ ~) and "/".
func encodePath(p string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if isLetter(c) || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~' || c == '/' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// imageLocation is a container image finding's place: logical locations
// only (an image is not a file of the repository), outermost first: the
// image (kind module), the layer with its digest and build step (kind
// namespace), the file or config part (kind resource), whose fully
// qualified name is OriginText.
func imageLocation(o scanner.Origin) sarifLocation {
	var places []sarifLogicalPlace
	if len(o.Chain) > 0 {
		places = append(places, sarifLogicalPlace{Name: o.Chain[0], FullyQualifiedName: o.Chain[0], Kind: "module"})
	}
	if len(o.Chain) > 1 {
		places = append(places, sarifLogicalPlace{
			Name: o.Chain[1], FullyQualifiedName: o.Chain[0] + "!" + o.Chain[1], Kind: "namespace",
			Properties: &sarifLayerProps{Digest: o.Layer, Instruction: o.Instruction},
		})
	}
	places = append(places, sarifLogicalPlace{Name: o.Path, FullyQualifiedName: OriginText(o), Kind: "resource"})
	return sarifLocation{LogicalLocations: places}
}

// configNotifications turns Run.Notices into SARIF configuration
// notifications (warnings: something was turned off or not read).
func configNotifications(notices []string) []sarifNotification {
	var out []sarifNotification
	for _, n := range notices {
		out = append(out, sarifNotification{Level: "warning", Message: sarifText{Text: n}, Descriptor: sarifDescriptor{ID: "config"}})
	}
	return out
}
