package reporters

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/scanner"
)

// MaxSkippedShown caps the skipped items of one kind listed under the terminal
// summary; the JSON and SARIF reports list them all.
const MaxSkippedShown = 5

// maxAlsoShown caps the further places listed under one finding.
const maxAlsoShown = 3

// labelWidth is the indent of a finding's detail values: four spaces and a
// seven-column label.
const labelWidth = 4 + 7 + 1

// Terminal writes a report for people: findings grouped by blast radius
// (can destroy, can write broadly, read-only or narrow, test/expired/
// public), each group in the Result's order (severity, path, line), then a
// summary. Colour only when Run.Color; lines wrapped to Run.Width.
//
// The zero value is the `scan` report. `reach` fills the two hooks:
//
//	reporters.Terminal{
//		Header: func(w io.Writer, st *reporters.Styles) error {
//			_, err := fmt.Fprintln(w, st.Bold("An agent started here can read ..."))
//			return err
//		},
//		Advice: func(f scanner.Finding) []string { return []string{"rotate it"} },
//	}
type Terminal struct {
	// Header, when set, writes a section before the findings (the reach
	// verdict), in the report's Styles. It should end with a blank line.
	Header func(w io.Writer, st *Styles) error
	// Advice, when set, returns what to do about a finding; each string is
	// shown on its own "do" line under the finding.
	Advice func(f scanner.Finding) []string
}

func (t Terminal) Report(w io.Writer, run Run, res *scanner.Result) error {
	bw := bufio.NewWriter(w)
	st := NewStyles(w, run.Color, run.Width)
	if t.Header != nil {
		if err := t.Header(bw, st); err != nil {
			return err
		}
	}
	shown := Unsuppressed(res.Findings)
	groups := GroupByRadius(shown)
	for r, fs := range groups {
		if len(fs) == 0 {
			continue
		}
		fmt.Fprintln(bw, st.Heading(Radius(r), len(fs)))
		fmt.Fprintln(bw)
		for _, f := range fs {
			t.writeFinding(bw, st, run, f)
			fmt.Fprintln(bw)
		}
	}
	if run.ShowSuppressed && len(shown) < len(res.Findings) {
		fmt.Fprintln(bw, st.Bold(fmt.Sprintf("SUPPRESSED (%d): allowed inline, by the config or by the baseline; never failing the run", len(res.Findings)-len(shown))))
		fmt.Fprintln(bw)
		for _, f := range res.Findings {
			if f.Suppressed != nil {
				t.writeFinding(bw, st, run, f)
				fmt.Fprintln(bw)
			}
		}
	}
	switch {
	case run.Incomplete:
		fmt.Fprintln(bw, st.Bold("Scan interrupted: this report is partial."))
		fmt.Fprintln(bw)
	case len(res.Findings) == 0 && res.Stats.Items == 0 && len(res.Skipped) > 0:
		fmt.Fprintln(bw, st.Bold("Nothing could be scanned."))
		fmt.Fprintln(bw)
	case len(shown) == 0 && run.Verify != nil && run.Verify.Hidden > 0:
		fmt.Fprintln(bw, st.Bold("No credential verified live."))
		fmt.Fprintln(bw)
	case len(shown) == 0:
		fmt.Fprintln(bw, st.Bold("No credentials found."))
		fmt.Fprintln(bw)
	}
	for _, n := range run.Notices {
		fmt.Fprintln(bw, st.Bold("notice:")+" "+st.Wrap(Escape(n), 8))
	}
	if len(run.Notices) > 0 {
		fmt.Fprintln(bw)
	}
	writeSummary(bw, st, run, res, shown)
	return bw.Flush()
}

func (t Terminal) writeFinding(w io.Writer, st *Styles, run Run, f scanner.Finding) {
	title := Escape(f.Kind) + " " + st.Dim("("+Escape(f.RuleID)+")")
	if p, _ := titleParts(f.Provider, f.Kind); p != "" {
		title = st.Bold(Escape(p)) + " " + title
	}
	fmt.Fprintf(w, " %s %s\n", st.Badge(f.Severity), st.Wrap(title, labelWidth))
	detail := func(label, value string) {
		if value == "" {
			return
		}
		fmt.Fprintf(w, "    %s %s\n", st.Dim(padRight(label, 7)), st.Wrap(value, labelWidth))
	}
	detail("where", st.Path(Escape(LocationText(f.Origin, f.Line, f.Column))))
	if f.Origin.Kind == scanner.KindImage {
		// a file a later layer deleted: the note says it is still there
		detail("note", Escape(OriginDetails(f.Origin)))
	} else {
		detail("from", Escape(OriginDetails(f.Origin)))
	}
	secret := f.Redacted
	if run.ShowSecrets && f.Secret != "" {
		secret = f.Secret
	}
	detail("secret", st.Secret(Escape(secret)))
	detail("key", Escape(f.Key))
	detail("scope", Escape(f.Scope.Words()))
	detail("issuer", Escape(bound(VerificationText(f.Verification), 2*maxEvidenceRunes)))
	for i, ev := range f.Scope.Evidence {
		label := "why"
		if i > 0 {
			label = ""
		}
		fmt.Fprintf(w, "    %s %s\n", st.Dim(padRight(label, 7)), st.Wrap(Escape(bound(ev, maxEvidenceRunes)), labelWidth))
	}
	detail("facts", Escape(attrsText(f.Attrs)))
	if sp := f.Suppressed; sp != nil {
		detail("allowed", Escape(string(sp.Kind)+": "+sp.Reason))
	}
	if n := len(f.Also); n > 0 {
		var places []string
		for i, o := range f.Also {
			if i == maxAlsoShown {
				places = append(places, fmt.Sprintf("and %d more", n-maxAlsoShown))
				break
			}
			p := LocationText(o, 0, 0)
			if d := OriginDetails(o); d != "" {
				p += " (" + d + ")"
			}
			places = append(places, p)
		}
		detail("also", Escape(strings.Join(places, "; ")))
	}
	if t.Advice != nil {
		for _, a := range t.Advice(f) {
			detail("do", Escape(a))
		}
	}
}

func writeSummary(w io.Writer, st *Styles, run Run, res *scanner.Result, shown []scanner.Finding) {
	counts := map[scope.Severity]int{}
	for _, f := range shown {
		counts[f.Severity]++
	}
	var line string
	switch n := len(shown); n {
	case 0:
		line = "0 findings"
	case 1:
		line = "1 finding"
	default:
		line = strconv.Itoa(n) + " findings"
	}
	var parts []string
	for s := scope.SevCritical; s >= scope.SevInfo; s-- {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
		}
	}
	if len(parts) > 0 {
		line += ": " + strings.Join(parts, ", ")
	}
	failing := 0
	for _, f := range shown {
		if f.FailsRun {
			failing++
		}
	}
	if !run.FailOn.Never && len(shown) > 0 {
		line += fmt.Sprintf("; %d at or above --fail-on %s", failing, run.FailOn)
	}
	if n := len(res.Findings) - len(shown); n > 0 {
		line += fmt.Sprintf("; %d suppressed", n)
		if !run.ShowSuppressed {
			line += " (--show-suppressed lists them)"
		}
	}
	fmt.Fprintln(w, st.Bold(st.Wrap(line, 2)))

	scanned := fmt.Sprintf("Scanned %s (%s) in %s", plural(res.Stats.Items, "file"), HumanBytes(res.Stats.Bytes), FormatDuration(res.Stats.Duration))
	if n := len(res.Skipped); n > 0 {
		scanned += fmt.Sprintf("; %s not scanned or scanned in part", plural(int64(n), "item"))
	}
	fmt.Fprintln(w, st.Wrap(scanned, 2))
	if run.Verify != nil {
		fmt.Fprintln(w, st.Wrap(Escape(verifySummaryText(run.Verify)), 2))
	}
	if len(res.Skipped) == 0 {
		return
	}
	writeSkipped(w, st, res.Skipped)
}

// skipOrder lists the skip kinds from the one a user most needs to act on
// (a source that failed, a file that could not be read) to the one that is
// expected on any tree (binary content); unknown kinds come after, by name.
var skipOrder = []scanner.SkipKind{scanner.SkipSource, scanner.SkipUnreadable, scanner.SkipCorrupt, scanner.SkipBudget,
	scanner.SkipRecursive, scanner.SkipTooLarge, scanner.SkipNotFollowed, scanner.SkipBinary}

// writeSkipped lists skipped items grouped by kind, a heading with each
// group's count (and its reason, when every item in it has the same one),
// at most MaxSkippedShown items per group, by path.
func writeSkipped(w io.Writer, st *Styles, all []scanner.Skipped) {
	groups := map[scanner.SkipKind][]scanner.Skipped{}
	for _, s := range all {
		groups[s.Kind] = append(groups[s.Kind], s)
	}
	rank := func(k scanner.SkipKind) int {
		for i, o := range skipOrder {
			if o == k {
				return i
			}
		}
		return len(skipOrder)
	}
	kinds := make([]scanner.SkipKind, 0, len(groups))
	for k := range groups {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool {
		if ri, rj := rank(kinds[i]), rank(kinds[j]); ri != rj {
			return ri < rj
		}
		return kinds[i] < kinds[j]
	})
	omitted := false
	for _, k := range kinds {
		g := groups[k]
		sort.SliceStable(g, func(i, j int) bool { return skippedText(g[i]) < skippedText(g[j]) })
		label := string(k)
		if label == "" {
			label = "other"
		}
		same := true
		for _, s := range g[1:] {
			if s.Reason != g[0].Reason {
				same = false
				break
			}
		}
		head := fmt.Sprintf("%s (%d)", label, len(g))
		if same {
			head += ": " + Escape(g[0].Reason)
		}
		fmt.Fprintf(w, "  %s\n", st.Bold(st.Wrap(head, 4)))
		for i, s := range g {
			if i == MaxSkippedShown {
				fmt.Fprintf(w, "    %s\n", st.Dim(fmt.Sprintf("and %d more", len(g)-MaxSkippedShown)))
				omitted = true
				break
			}
			if same {
				fmt.Fprintf(w, "    %s\n", st.Path(Escape(skippedText(s))))
			} else {
				fmt.Fprintf(w, "    %s\n", st.Wrap(st.Path(Escape(skippedText(s)))+": "+Escape(s.Reason), 6))
			}
		}
	}
	if omitted {
		fmt.Fprintf(w, "  %s\n", st.Dim("--format json lists every skipped item"))
	}
}

// skippedText is where a skipped item lives: its path, or for a member of
// an archive or image its whole chain ("zeros.bin" alone does not say
// where to look).
func skippedText(s scanner.Skipped) string {
	p := s.Path
	if s.Origin != nil && len(s.Origin.Chain) > 0 {
		p = OriginText(*s.Origin)
	}
	if p == "" {
		p = "(source)"
	}
	return p
}

// Unsuppressed returns the findings the policy stage did not suppress (fs
// itself when none is suppressed).
func Unsuppressed(fs []scanner.Finding) []scanner.Finding {
	n := 0
	for i := range fs {
		if fs[i].Suppressed == nil {
			n++
		}
	}
	if n == len(fs) {
		return fs
	}
	out := make([]scanner.Finding, 0, n)
	for _, f := range fs {
		if f.Suppressed == nil {
			out = append(out, f)
		}
	}
	return out
}

// LocationText is where a credential is, for people: OriginText and the
// line and column ("dist/app.zip!/config/.env:3:14"), or "environment",
// "store aws-credentials". line and col are left out when 0.
func LocationText(o scanner.Origin, line, col int) string {
	switch {
	case o.Path != "":
	case o.Kind == scanner.KindEnv || o.Via == scanner.ViaEnvironment:
		return OriginText(o) + "environment"
	case o.Store != "":
		return OriginText(o) + "store " + o.Store
	default:
		return OriginText(o) + "(unknown place)"
	}
	t := OriginText(o)
	if line > 0 {
		t += ":" + strconv.Itoa(line)
		if col > 0 {
			t += ":" + strconv.Itoa(col)
		}
	}
	return t
}

// OriginText is where content is, the same in every report: its outer
// containers outermost first, joined by "!", a member's path after "!/":
//
//	dist/app.war!/WEB-INF/lib/core.jar!/application.properties
//	ghcr.io/org/app:1.2@sha256:…!layer 3 (sha256:abcdef012345): RUN make!/app/.env
//	ghcr.io/org/app:1.2@sha256:…!config:Env
//
// In an image origin, Chain[0] is the image and Chain[1] the layer (or
// Path the config part); both follow a bare "!". With no path (an
// environment variable, a store) it ends with the separator, or is empty.
func OriginText(o scanner.Origin) string {
	var b strings.Builder
	elems := o.Chain
	if o.Path != "" {
		elems = append(elems[:len(elems):len(elems)], o.Path)
	}
	for i, e := range elems {
		if i > 0 {
			b.WriteString(originSep(o, i, e))
		}
		b.WriteString(e)
	}
	if o.Path == "" && len(o.Chain) > 0 {
		b.WriteString("!")
	}
	return b.String()
}

func originSep(o scanner.Origin, i int, elem string) string {
	if (o.Kind == scanner.KindImage && i == 1) || strings.HasPrefix(elem, "/") {
		return "!"
	}
	return "!/"
}

// inImageLayer reports whether o is a file of an image layer, whose layer
// (digest and build step) its chain already names.
func inImageLayer(o scanner.Origin) bool { return o.Kind == scanner.KindImage && len(o.Chain) >= 2 }

// OriginDetails says how to find content again beyond its path: the git
// commit, "only in history", the image layer (when the location does not
// name it) or the note that a later layer deleted the file, the credential
// store, and how an agent reaches it (unless that is the plain workspace).
func OriginDetails(o scanner.Origin) string {
	var parts []string
	if o.Commit != "" {
		c := "commit " + shortHash(o.Commit)
		if o.Author != "" {
			c += " by " + o.Author
		}
		if o.Date != "" {
			c += ", " + o.Date
		}
		parts = append(parts, c)
	}
	if o.Kind == scanner.KindImage {
		if o.InHistoryOnly {
			note := string(o.Via)
			if note == "" {
				note = "only in the image's history"
			}
			parts = append(parts, note)
		}
		if o.Layer != "" && !inImageLayer(o) {
			parts = append(parts, "layer "+shortHash(o.Layer))
		}
		return strings.Join(parts, "; ")
	}
	if o.InHistoryOnly {
		parts = append(parts, "only in history")
	}
	if o.Layer != "" {
		l := "layer " + shortHash(o.Layer)
		if o.Instruction != "" {
			l += " (" + o.Instruction + ")"
		}
		parts = append(parts, l)
	}
	if o.Store != "" && o.Path != "" {
		parts = append(parts, "store "+o.Store)
	}
	switch {
	case o.Via == "" || o.Via == scanner.ViaWorkspace:
	case o.Via == scanner.ViaHistory && o.Commit != "":
	case o.Via == scanner.ViaEnvironment && o.Path == "":
	default:
		parts = append(parts, "via "+string(o.Via))
	}
	return strings.Join(parts, "; ")
}

func shortHash(h string) string {
	if i := strings.IndexByte(h, ':'); i >= 0 && i+13 <= len(h) {
		return h[:i+13] // sha256:0123456789ab
	}
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

func attrsText(attrs map[string]string) string {
	if len(attrs) == 0 {
		return ""
	}
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+"="+attrs[k])
	}
	return strings.Join(parts, " ")
}

func plural(n int64, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.FormatInt(n, 10) + " " + word + "s"
}

// FormatDuration prints a scan time: "<1ms", "12ms", "3.4s", "2m05s".
func FormatDuration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return "<1ms"
	case d < time.Second:
		return strconv.FormatInt(d.Milliseconds(), 10) + "ms"
	case d < time.Minute:
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
	}
	m := int(d / time.Minute)
	s := int((d % time.Minute) / time.Second)
	return fmt.Sprintf("%dm%02ds", m, s)
}
