// Package reach is what `tokenscope reach` concludes from a finished scan
// of everything an agent started in a workspace could read: the findings
// it keeps (Finish), the verdict (NewVerdict, WriteVerdict) and what to do
// about each finding (Actions). Planning the sources is package
// scanner/plan; the command keeps flags, wiring and exit codes.
package reach

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/reporters"
	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/home"
	"github.com/tokenscope/tokenscope/scanner/plan"
)

// Finish drops the workspace findings in files that are home stores the
// plan's home source read, names git findings' reach (history), and
// records on every file finding whether the current user can read it and
// who else can.
func Finish(res *scanner.Result, rp *plan.ReachPlan, homeDir string) {
	homeAbs, _ := filepath.Abs(homeDir)
	absOf := func(f scanner.Finding) string {
		p := f.Origin.Path
		if strings.HasPrefix(p, "~/") {
			return filepath.Join(homeAbs, filepath.FromSlash(p[2:]))
		}
		a, _ := filepath.Abs(filepath.FromSlash(p))
		return a
	}
	// a store the home source read is reported there, with its parser's
	// context, and not again as a workspace file (an agent started in the
	// home directory, or a workspace holding ~/.aws)
	stores := map[string]bool{}
	for _, st := range rp.Home.Stores() {
		if st.State == "read" {
			stores[st.Abs] = true
		}
	}
	out := res.Findings[:0]
	perms := map[string]map[string]string{}
	for _, f := range res.Findings {
		if f.Origin.Kind == scanner.KindFile && stores[absOf(f)] {
			continue
		}
		if f.Origin.Kind == scanner.KindGit && f.Origin.Via == "" {
			f.Origin.Via = scanner.ViaHistory
		}
		if f.Origin.Kind == scanner.KindFile && f.Attrs["readable"] == "" {
			p := absOf(f)
			attrs, ok := perms[p]
			if !ok {
				if perm, ok2 := home.Check(p); ok2 {
					attrs = perm.Attrs()
				}
				perms[p] = attrs
			}
			if attrs != nil {
				m := map[string]string{}
				for k, v := range f.Attrs {
					m[k] = v
				}
				for k, v := range attrs {
					if _, ok := m[k]; !ok {
						m[k] = v
					}
				}
				f.Attrs = m
			}
		}
		out = append(out, f)
	}
	res.Findings = out
	res.Stats.Skipped = int64(len(res.Skipped))
}

// Verdict is the reach summary: how many credentials an agent can read,
// by blast radius and by how it reaches them.
type Verdict struct {
	Credentials int                 `json:"credentials"`
	ByRadius    map[string]int      `json:"by_radius"`
	ByVia       map[scanner.Via]int `json:"by_via"`
	// Stores counts the home credential stores read, and those that exist
	// but the current user cannot read.
	StoresRead       int      `json:"stores_read"`
	StoresUnreadable int      `json:"stores_unreadable"`
	Worst            []string `json:"worst,omitempty"`
	Text             string   `json:"text"`
}

var viaOrder = []scanner.Via{scanner.ViaWorkspace, scanner.ViaHistory, scanner.ViaParentEnv, scanner.ViaHome, scanner.ViaEnvironment}

// NewVerdict counts the findings the policy stage did not suppress, and
// the home stores read.
func NewVerdict(res *scanner.Result, stores []home.Status) Verdict {
	fs := reporters.Unsuppressed(res.Findings)
	v := Verdict{Credentials: len(fs), ByRadius: map[string]int{}, ByVia: map[scanner.Via]int{}}
	for r := reporters.RadiusDestroy; r <= reporters.RadiusHarmless; r++ {
		v.ByRadius[r.ID()] = 0
	}
	for _, via := range viaOrder {
		v.ByVia[via] = 0
	}
	for r, n := range reporters.CountByRadius(fs) {
		v.ByRadius[r.ID()] = n
	}
	for _, f := range fs {
		via := f.Origin.Via
		if via == "" {
			via = scanner.ViaWorkspace
		}
		v.ByVia[via]++
	}
	for _, st := range stores {
		switch st.State {
		case "read":
			v.StoresRead++
		case "unreadable":
			v.StoresUnreadable++
		}
	}
	groups := reporters.GroupByRadius(fs)
	for _, f := range groups[reporters.RadiusDestroy] {
		if len(v.Worst) == 3 {
			break
		}
		w := f.Provider + " " + f.Kind + " in " + reporters.LocationText(f.Origin, 0, 0)
		if f.Scope.DestroysWhat != "" {
			w += ": can destroy " + f.Scope.DestroysWhat
		}
		v.Worst = append(v.Worst, w)
	}
	v.Text = verdictText(v)
	return v
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

func verdictText(v Verdict) string {
	if v.Credentials == 0 {
		return "An agent started here can read no credentials that tokenscope recognises."
	}
	var parts []string
	if n := v.ByRadius["destroy"]; n > 0 {
		parts = append(parts, fmt.Sprintf("%d can destroy (e.g. delete databases or backups)", n))
	}
	if n := v.ByRadius["write_broad"]; n > 0 {
		parts = append(parts, fmt.Sprintf("%d %s broad", n, isAre(n)))
	}
	if n := v.ByRadius["narrow"]; n > 0 {
		parts = append(parts, fmt.Sprintf("%d %s read-only or narrow", n, isAre(n)))
	}
	if n := v.ByRadius["harmless"]; n > 0 {
		parts = append(parts, fmt.Sprintf("%d %s test, expired or public", n, isAre(n)))
	}
	return "An agent started here can read " + plural(v.Credentials, "credential", "credentials") + ": " + strings.Join(parts, ", ") + "."
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

var viaWords = map[scanner.Via]string{
	scanner.ViaWorkspace:   "in the workspace",
	scanner.ViaHistory:     "in git history",
	scanner.ViaParentEnv:   "in .env files of parent directories",
	scanner.ViaHome:        "in home credential stores",
	scanner.ViaEnvironment: "in the environment it inherits",
}

// WriteVerdict writes the verdict section of the terminal report.
func WriteVerdict(w io.Writer, st *reporters.Styles, v Verdict) error {
	fmt.Fprintln(w, st.Bold(st.Wrap(v.Text, 0)))
	var where []string
	for _, via := range viaOrder {
		if n := v.ByVia[via]; n > 0 {
			where = append(where, fmt.Sprintf("%d %s", n, viaWords[via]))
		}
	}
	if len(where) > 0 {
		fmt.Fprintln(w, st.Wrap("Where: "+strings.Join(where, ", ")+".", 0))
	}
	stores := "Home stores: " + plural(v.StoresRead, "credential store read", "credential stores read")
	if v.StoresUnreadable > 0 {
		stores += ", " + plural(v.StoresUnreadable, "exists but is not readable by you", "exist but are not readable by you")
	}
	fmt.Fprintln(w, st.Wrap(stores+".", 0))
	if len(v.Worst) > 0 {
		fmt.Fprintln(w, "Most dangerous:")
		for _, x := range v.Worst {
			fmt.Fprintln(w, "  - "+st.Wrap(x, 4))
		}
	}
	_, err := fmt.Fprintln(w)
	return err
}

// logout names the command that removes a CLI's stored login.
var logout = map[string]string{
	"railway-config": "railway logout", "gh-hosts": "gh auth logout", "fly-config": "fly auth logout",
	"vercel-auth": "vercel logout", "netrc": "heroku logout (for Heroku entries)", "doctl-config": "doctl auth remove --context <name>",
	"supabase-access-token": "supabase logout", "huggingface-token": "huggingface-cli logout", "docker-config": "docker logout <registry>",
	"azure-msal-token-cache": "az logout", "gcloud-adc": "gcloud auth application-default revoke",
	"aws-sso-cache": "aws sso logout", "terraform-credentials": "terraform logout",
}

// Actions says what to do about one finding, most important first (the
// terminal report's "do" lines, the JSON report's actions).
func Actions(f scanner.Finding) []string {
	rad := reporters.RadiusOf(f.Scope)
	if rad == reporters.RadiusHarmless {
		return nil
	}
	var out []string
	switch f.Origin.Via {
	case scanner.ViaHistory:
		out = append(out, "rotate it: git history keeps it for anyone with a clone, even after the file is fixed")
	case scanner.ViaEnvironment:
		name := strings.TrimPrefix(f.Origin.Path, "env:")
		out = append(out, "unset "+name+" in the shell that starts the agent, or start the agent with a clean environment (an allow-list of variables)")
	case scanner.ViaHome:
		do := "move it out of the agent's reach: run the agent as another user, or in a container or sandbox without your home directory"
		if cmd, ok := logout[f.Origin.Store]; ok {
			do += ", or log out (" + cmd + ") before starting it"
		}
		out = append(out, do)
	case scanner.ViaParentEnv:
		out = append(out, "move it out of the agent's reach: agents read upward from the workspace; keep this .env out of every parent of a workspace")
	default:
		out = append(out, "move it out of the workspace: load it from a secret manager or inject it only into the process that needs it")
		out = append(out, "rotate it if this tree was ever shared, committed or read by an agent")
	}
	switch rad {
	case reporters.RadiusDestroy:
		out = append(out, "replace it with a scoped token that cannot delete (one project or environment, no admin rights)")
		w := strings.ToLower(f.Scope.DestroysWhat)
		if strings.Contains(w, "backup") || strings.Contains(w, "database") || strings.Contains(w, "volume") {
			out = append(out, "separate backup credentials from production ones: keep backups where this credential cannot delete them")
		}
	case reporters.RadiusBroad:
		out = append(out, "replace it with a scoped or short-lived token (one resource, read-only where possible, with an expiry)")
	}
	if f.Scope.Lifetime == scope.LifetimeLongLived && rad != reporters.RadiusNarrow {
		out = append(out, "prefer short-lived credentials (SSO, OIDC, an expiry) over this long-lived one")
	}
	if f.Attrs["readable_by"] == "every local user" && f.Origin.Path != "" {
		out = append(out, "chmod 600 "+f.Origin.Path+": every local user can read it")
	}
	return dedupStrings(out)
}

func dedupStrings(xs []string) []string {
	seen := map[string]bool{}
	out := xs[:0]
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
