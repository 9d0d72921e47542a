package scope

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Macaroon v2 binary field types (libmacaroons format, as pymacaroons
// writes them for PyPI).
const (
	mcEOS        = 0
	mcLocation   = 1
	mcIdentifier = 2
	mcVID        = 4
	mcSignature  = 6
)

// pypiFacts is what a PyPI token's caveats say.
type pypiFacts struct {
	location   string
	caveats    int
	projects   []string
	projectIDs int
	user       bool
	oidc       bool
	hasExpiry  bool
	expiresAt  int64
	notBefore  int64
	unreadable int
}

// DecodePyPIMacaroon reads a pypi- token: the base64 macaroon (v2 binary
// format) and its first-party caveats, in the current array form
// ([0,expires_at,not_before], [1,[names]], [2,[ids]], [3,user], [4,oidc])
// and the legacy object form ({"version":1,"permissions":"user"|
// {"projects":[...]}}, {"exp":..,"nbf":..}, {"project_ids":[...]}).
// No project caveat means upload rights on every project of the user.
func DecodePyPIMacaroon(secret string, base Scope) Scope {
	return decodePyPIMacaroon(secret, base, time.Now())
}

func decodePyPIMacaroon(secret string, base Scope, now time.Time) Scope {
	if len(secret) > maxDecode {
		return base
	}
	b64, ok := strings.CutPrefix(secret, "pypi-")
	if !ok {
		return base
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(b64, "="))
	if err != nil {
		if raw, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(b64, "=")); err != nil {
			return base
		}
	}
	var pf pypiFacts
	if !pf.readV2(raw) {
		return base
	}
	return pf.scope(base.Normalize().Clone(), now)
}

type mcReader struct{ b []byte }

func (r *mcReader) varint() (uint64, bool) {
	var v uint64
	for i := 0; i < 10; i++ {
		if len(r.b) == 0 {
			return 0, false
		}
		c := r.b[0]
		r.b = r.b[1:]
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			return v, true
		}
	}
	return 0, false
}

// field reads one field: its type and data; type 0 (end of section) has
// no data.
func (r *mcReader) field() (uint64, []byte, bool) {
	t, ok := r.varint()
	if !ok || t == mcEOS {
		return t, nil, ok
	}
	n, ok := r.varint()
	if !ok || n > uint64(len(r.b)) {
		return 0, nil, false
	}
	d := r.b[:n]
	r.b = r.b[n:]
	return t, d, true
}

// readV2 walks version byte, header section, caveat sections and the
// signature.
func (pf *pypiFacts) readV2(raw []byte) bool {
	if len(raw) < 2 || raw[0] != 2 {
		return false
	}
	r := &mcReader{b: raw[1:]}
	sawID := false
	for { // header
		t, d, ok := r.field()
		if !ok {
			return false
		}
		if t == mcEOS {
			break
		}
		switch t {
		case mcLocation:
			pf.location = caveatText(d, 80)
		case mcIdentifier:
			sawID = true
		}
	}
	if !sawID {
		return false
	}
	for n := 0; n < 64; n++ { // caveats, until an empty section
		var cid []byte
		thirdParty, fields := false, 0
		for {
			t, d, ok := r.field()
			if !ok {
				return false
			}
			if t == mcEOS {
				break
			}
			fields++
			switch t {
			case mcIdentifier:
				cid = d
			case mcVID:
				thirdParty = true
			case mcSignature:
				// a signature without the empty closing section: accept
				// what was read
				return len(d) > 0
			}
		}
		if fields == 0 {
			break
		}
		if cid != nil && !thirdParty {
			pf.caveats++
			pf.caveat(cid)
		}
	}
	t, d, ok := r.field()
	return ok && t == mcSignature && len(d) > 0
}

// caveat reads one first-party caveat's JSON.
func (pf *pypiFacts) caveat(cid []byte) {
	if len(cid) > 4096 {
		pf.unreadable++
		return
	}
	cid = bytes.TrimSpace(cid)
	if len(cid) > 0 && cid[0] == '{' {
		pf.legacy(cid)
		return
	}
	var arr []json.RawMessage
	if json.Unmarshal(cid, &arr) != nil || len(arr) == 0 {
		pf.unreadable++
		return
	}
	var tag int
	if json.Unmarshal(arr[0], &tag) != nil {
		pf.unreadable++
		return
	}
	switch tag {
	case 0:
		var exp, nbf int64
		if len(arr) >= 2 && json.Unmarshal(arr[1], &exp) == nil {
			if len(arr) >= 3 {
				_ = json.Unmarshal(arr[2], &nbf)
			}
			pf.expiry(exp, nbf)
			return
		}
	case 1:
		var names []string
		if len(arr) >= 2 && json.Unmarshal(arr[1], &names) == nil {
			pf.projects = append(pf.projects, names...)
			if len(names) == 0 {
				pf.projects = append(pf.projects, "(none)")
			}
			return
		}
	case 2:
		var ids []string
		if len(arr) >= 2 && json.Unmarshal(arr[1], &ids) == nil {
			pf.projectIDs += max(len(ids), 1)
			return
		}
	case 3:
		pf.user = true
		return
	case 4:
		pf.oidc = true
		return
	}
	pf.unreadable++
}

// legacy reads the object form used before the array form.
func (pf *pypiFacts) legacy(cid []byte) {
	var obj struct {
		Version     int             `json:"version"`
		Permissions json.RawMessage `json:"permissions"`
		Exp         *int64          `json:"exp"`
		Nbf         *int64          `json:"nbf"`
		ProjectIDs  []string        `json:"project_ids"`
	}
	if json.Unmarshal(cid, &obj) != nil {
		pf.unreadable++
		return
	}
	switch {
	case obj.Version == 1 && len(obj.Permissions) > 0:
		var user string
		if json.Unmarshal(obj.Permissions, &user) == nil && user == "user" {
			pf.user = true
			return
		}
		var p struct {
			Projects []string `json:"projects"`
		}
		if json.Unmarshal(obj.Permissions, &p) == nil && p.Projects != nil {
			pf.projects = append(pf.projects, p.Projects...)
			if len(p.Projects) == 0 {
				pf.projects = append(pf.projects, "(none)")
			}
			return
		}
	case obj.Exp != nil && obj.Nbf != nil:
		pf.expiry(*obj.Exp, *obj.Nbf)
		return
	case obj.ProjectIDs != nil:
		pf.projectIDs += max(len(obj.ProjectIDs), 1)
		return
	}
	pf.unreadable++
}

func (pf *pypiFacts) expiry(exp, nbf int64) {
	if !pf.hasExpiry || exp < pf.expiresAt {
		pf.expiresAt = exp
	}
	if !pf.hasExpiry || nbf > pf.notBefore {
		pf.notBefore = nbf
	}
	pf.hasExpiry = true
}

func (pf *pypiFacts) scope(s Scope, now time.Time) Scope {
	s.Confidence = ConfidenceDecoded
	s.Access = AccessWrite // an API token uploads; it cannot manage the account
	s.Destructive, s.DestroysWhat = false, ""
	loc := strings.ToLower(pf.location)
	switch {
	case strings.HasPrefix(loc, "test.pypi.org"):
		s.Env = EnvTest
		s.Evidence = append(s.Evidence, "macaroon location test.pypi.org: TestPyPI, not production")
	case loc == "pypi.org" || strings.HasSuffix(loc, ".pypi.org"):
		s.Env = EnvProduction
		s.Evidence = append(s.Evidence, "macaroon location pypi.org: the production index")
	}
	nproj := len(pf.projects) + pf.projectIDs
	switch {
	case len(pf.projects) > 0:
		names := pf.projects
		if len(names) > 5 {
			names = append(names[:5:5], fmt.Sprintf("and %d more", len(pf.projects)-5))
		}
		for i, n := range names {
			names[i] = caveatText([]byte(n), 60)
		}
		s.Evidence = append(s.Evidence, "macaroon caveat: project="+strings.Join(names, ","))
	case pf.projectIDs > 0:
		s.Evidence = append(s.Evidence, fmt.Sprintf("macaroon caveat: %d project id(s)", pf.projectIDs))
	}
	switch {
	case nproj == 1:
		s.Reach = ReachResource
	case nproj > 1:
		s.Reach = ReachProject
	case pf.oidc:
		s.Reach = ReachProject
		s.Evidence = append(s.Evidence, "macaroon caveat: trusted publisher (OIDC), uploads only to its registered projects")
	default:
		s.Reach = ReachAccount
		s.Evidence = append(s.Evidence, "macaroon: no project caveat, uploads to every project of the user")
	}
	if pf.user {
		s.Evidence = append(s.Evidence, "macaroon caveat: bound to its user")
	}
	if pf.unreadable > 0 {
		s.Evidence = append(s.Evidence, fmt.Sprintf("macaroon: %d caveat(s) not understood, scope may be narrower", pf.unreadable))
	}
	switch {
	case pf.hasExpiry:
		exp := time.Unix(pf.expiresAt, 0).UTC()
		s.ExpiresAt = &exp
		ev := "macaroon caveat: expires " + exp.Format(time.RFC3339)
		switch {
		case !exp.After(now):
			s.Lifetime = LifetimeExpired
			ev += " (expired)"
		case pf.expiresAt-pf.notBefore <= 24*3600:
			s.Lifetime = LifetimeEphemeral
		default:
			s.Lifetime = LifetimeExpiring
		}
		s.Evidence = append(s.Evidence, ev)
	case pf.oidc:
		s.Lifetime = LifetimeEphemeral
	default:
		s.Lifetime = LifetimeLongLived
		s.Evidence = append(s.Evidence, "macaroon: no expiry caveat")
	}
	return s
}
