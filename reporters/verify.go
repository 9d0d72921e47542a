package reporters

import (
	"fmt"
	"strings"

	"github.com/tokenscope/tokenscope/scanner"
)

// VerifyInfo describes the scan --verify stage; Run.Verify is nil when
// it did not run.
type VerifyInfo struct {
	// Live, Invalid and Unknown count the verified findings by state
	// (before --only-live hides any).
	Live    int `json:"live"`
	Invalid int `json:"invalid"`
	Unknown int `json:"unknown"`
	// Requests is how many requests went to issuers.
	Requests int64 `json:"requests"`
	// OnlyLive is set with --only-live: Hidden findings that were not
	// verified live are left out of the report and of --fail-on.
	OnlyLive bool `json:"only_live"`
	Hidden   int  `json:"hidden"`
	// Endpoints lists --verify-endpoint overrides, "gitlab=https://…".
	Endpoints []string `json:"endpoints,omitempty"`
}

// VerificationText is one finding's verification for people:
// "live (api.github.com): GET /user: HTTP 200, login octo; …".
func VerificationText(v *scanner.Verification) string {
	if v == nil {
		return ""
	}
	s := v.State
	if v.State == scanner.VerifyInvalid {
		s = "invalid (not live)"
	}
	where := v.Host
	if v.Endpoint != "" {
		where = v.Endpoint + ", --verify-endpoint"
	}
	if where != "" {
		s += " (" + where + ")"
	}
	if len(v.Evidence) > 0 {
		s += ": " + strings.Join(v.Evidence, "; ")
	}
	return s
}

func verifySummaryText(vi *VerifyInfo) string {
	s := fmt.Sprintf("Verified with the issuers (%s): %d live, %d invalid, %d unknown", plural(vi.Requests, "request"), vi.Live, vi.Invalid, vi.Unknown)
	if vi.OnlyLive {
		s += fmt.Sprintf("; --only-live hid %d not verified live", vi.Hidden)
	}
	if len(vi.Endpoints) > 0 {
		s += "; endpoints: " + strings.Join(vi.Endpoints, ", ")
	}
	return s
}
