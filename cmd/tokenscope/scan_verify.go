package main

import (
	"context"
	"sort"
	"strings"

	"github.com/spf13/pflag"

	"github.com/tokenscope/tokenscope/reporters"
	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/verify"
)

// VerifyOptions are scan's --verify flags.
type VerifyOptions struct {
	// On sends each credential a verifier covers to its issuer.
	On bool
	// Endpoints are --verify-endpoint NAME=URL values.
	Endpoints []string
	// OnlyLive keeps only findings verified live in the report and for
	// --fail-on.
	OnlyLive bool

	endpoints map[string]string
}

func addVerifyFlags(f *pflag.FlagSet, o *VerifyOptions) {
	f.BoolVar(&o.On, "verify", false, "ask each credential's issuer whether it is live and what it may do (sends the secret to the issuer's fixed host only; see docs/verify.md)")
	f.StringArrayVar(&o.Endpoints, "verify-endpoint", nil, "with --verify: PROVIDER=URL for self-hosted GitLab (gitlab=https://gitlab.example.com), GitHub Enterprise (github=https://ghe.example.com/api/v3) or a Vault server (vault=https://vault.example.com:8200); repeatable")
	f.BoolVar(&o.OnlyLive, "only-live", false, "with --verify: report, and fail on, only findings the issuer confirmed live")
}

// check validates the flags; errors are usage errors.
func (o *VerifyOptions) check() error {
	if !o.On {
		switch {
		case len(o.Endpoints) > 0:
			return usageErr("--verify-endpoint needs --verify")
		case o.OnlyLive:
			return usageErr("--only-live needs --verify (without it nothing is verified live)")
		}
		return nil
	}
	o.endpoints = map[string]string{}
	for _, e := range o.Endpoints {
		name, u, ok := strings.Cut(e, "=")
		name = strings.ToLower(strings.TrimSpace(name))
		if !ok || name == "" {
			return usageErr("--verify-endpoint %q: want PROVIDER=URL, such as gitlab=https://gitlab.example.com", e)
		}
		if !verify.SelfHostedFamily(name) {
			return usageErr("--verify-endpoint %s: only gitlab, github (Enterprise Server) and vault take an endpoint", name)
		}
		if _, err := verify.ParseEndpoint(u); err != nil {
			return usageErr("--verify-endpoint %s: %v", name, err)
		}
		if _, dup := o.endpoints[name]; dup {
			return usageErr("--verify-endpoint %s given twice", name)
		}
		o.endpoints[name] = u
	}
	return nil
}

// verifyConfigHook, when set (by tests only), adjusts the verify client's
// configuration: tests route its transport to loopback servers.
var verifyConfigHook func(*verify.Config)

// runVerify asks the issuers about res's findings, then applies
// --only-live. raw holds the findings' secrets; the caller clears it.
func runVerify(ctx context.Context, o *VerifyOptions, res *scanner.Result, raw *scanner.RawSecrets) (*reporters.VerifyInfo, error) {
	cfg := verify.Config{Endpoints: o.endpoints, UserAgent: "tokenscope/" + version + " (scan --verify)"}
	if verifyConfigHook != nil {
		verifyConfigHook(&cfg)
	}
	c, err := verify.New(cfg)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	sum := c.Apply(ctx, res, raw)
	info := &reporters.VerifyInfo{Live: sum.Live, Invalid: sum.Invalid, Unknown: sum.Unknown, Requests: sum.Requests, OnlyLive: o.OnlyLive}
	for name, u := range o.endpoints {
		info.Endpoints = append(info.Endpoints, name+"="+u)
	}
	sort.Strings(info.Endpoints)
	if o.OnlyLive {
		kept := res.Findings[:0]
		for _, f := range res.Findings {
			if f.Verification != nil && f.Verification.State == scanner.VerifyLive {
				kept = append(kept, f)
			} else {
				info.Hidden++
			}
		}
		res.Findings = kept
	}
	return info, nil
}

// verifierText is what `rules show` prints about a rule's verifier.
func verifierText(ruleID string) string {
	v, ok := verify.For(ruleID)
	if !ok {
		return "verifier:  none (scan --verify sends this kind nowhere)\n"
	}
	return v.Describe()
}
