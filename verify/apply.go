package verify

import (
	"context"
	"slices"

	"github.com/sourcegraph/conc/pool"

	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/scanner"
)

// Summary counts what Apply learned.
type Summary struct {
	Live, Invalid, Unknown int
	// Requests is how many HTTP requests were sent (a secret found many
	// times is sent once).
	Requests int64
}

// Apply verifies every finding of res that a verifier covers, with the
// raw secrets the engine kept, and writes the answers into the findings:
// Verification always; on a live answer the scope the issuer revealed
// (confidence verified, evidence "verified: …") and the severity derived
// from it. Findings are sorted again. Invalid and unknown findings stay
// in res. Suppressed findings (inline allow, baseline, allow-list) are
// left alone: their secrets are not sent.
func (c *Client) Apply(ctx context.Context, res *scanner.Result, raw *scanner.RawSecrets) Summary {
	type task struct {
		v    *Verifier
		cred Credential
	}
	tasks := make([]*task, len(res.Findings))
	answers := make([]Result, len(res.Findings))
	vers := make([]scanner.Verification, len(res.Findings))
	p := pool.New().WithMaxGoroutines(c.cfg.Concurrency)
	for i := range res.Findings {
		f := &res.Findings[i]
		v, ok := For(f.RuleID)
		if !ok || f.Suppressed != nil {
			continue // a suppressed finding's secret is never sent
		}
		secret, ok := raw.Get(f.Fingerprint)
		if !ok {
			answers[i] = Unknown("the raw secret was not kept for verification")
			vers[i] = scanner.Verification{State: scanner.VerifyUnknown, Evidence: answers[i].Evidence}
			if len(v.Hosts) > 0 {
				vers[i].Host = v.Hosts[0]
			}
			tasks[i] = &task{v: v}
			continue
		}
		t := &task{v: v, cred: Credential{RuleID: f.RuleID, Secret: secret, Attrs: f.Attrs}}
		tasks[i] = t
		p.Go(func() { answers[i], vers[i] = c.Verify(ctx, t.v, t.cred) })
	}
	p.Wait()
	var sum Summary
	for i := range res.Findings {
		if tasks[i] == nil {
			continue
		}
		f := &res.Findings[i]
		ver := vers[i]
		f.Verification = &ver
		switch ver.State {
		case scanner.VerifyLive:
			sum.Live++
			f.Scope = refine(f.Scope, answers[i])
			f.Severity = f.Scope.Severity()
		case scanner.VerifyInvalid:
			sum.Invalid++
		default:
			sum.Unknown++
		}
	}
	scanner.SortFindings(res.Findings)
	sum.Requests = c.Requests()
	return sum
}

// refine writes a live answer into a scope.
func refine(sc scope.Scope, r Result) scope.Scope {
	sc = sc.Clone().Normalize()
	rf := r.Refine
	if rf.Access != "" {
		sc.Access = rf.Access
	}
	if rf.Reach != "" {
		sc.Reach = rf.Reach
	}
	if rf.Env != "" {
		sc.Env = rf.Env
	}
	if rf.Lifetime != "" {
		sc.Lifetime = rf.Lifetime
	}
	if rf.ExpiresAt != nil {
		t := *rf.ExpiresAt
		sc.ExpiresAt = &t
		if sc.Lifetime == scope.LifetimeUnknown || sc.Lifetime == scope.LifetimeLongLived {
			sc.Lifetime = scope.LifetimeExpiring
		}
	}
	if rf.Destructive != nil {
		sc.Destructive = *rf.Destructive
		if !sc.Destructive {
			sc.DestroysWhat = ""
		}
	}
	if rf.DestroysWhat != "" {
		sc.DestroysWhat = rf.DestroysWhat
	}
	sc.Confidence = scope.ConfidenceVerified
	for _, e := range r.Evidence {
		e = "verified: " + e
		if !slices.Contains(sc.Evidence, e) {
			sc.Evidence = append(sc.Evidence, e)
		}
	}
	return sc
}
