package scope

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Fly.io macaroon caveat types and action bits, from caveat.go and
// resset/action.go in github.com/superfly/macaroon.
const (
	flyCavOrganization    = 0
	flyCavVolumes         = 2
	flyCavApps            = 3
	flyCavValidityWindow  = 4
	flyCavFeatureSet      = 5
	flyCavMutations       = 6
	flyCavMachines        = 7
	flyCavConfineUser     = 8
	flyCavConfineOrg      = 9
	flyCav3P              = 11
	flyCavIfPresent       = 13
	flyCavClusters        = 16
	flyCavNoAdminFeatures = 22

	flyRead    = 1 << 0
	flyWrite   = 1 << 1
	flyCreate  = 1 << 2
	flyDelete  = 1 << 3
	flyControl = 1 << 4
	flyAll     = flyRead | flyWrite | flyCreate | flyDelete | flyControl
)

// flyFacts is what the caveats of a Fly.io token bundle say.
type flyFacts struct {
	tokens     int
	orgs       int
	orgMask    uint64
	apps       int // distinct apps named
	appsMask   uint64
	appCaveats int
	resources  []string // "volumes", "machines", "clusters"
	mutations  []string
	notAfter   int64
	notBefore  int64
	hasWindow  bool
	noAdmin    bool
	thirdParty []string
	// IfPresent caveats: resource caveats that apply when a request names
	// such a resource, and an else mask for every other request
	ifCount     int
	ifApps      int
	ifMask      uint64
	ifResources []string
	ifElse      uint64
	confineUser bool
	confineOrg  bool
}

// DecodeFlyMacaroon reads the caveats of a Fly.io token ("FlyV1 fm2_...,
// fm2_..." or one fm2_/fm1r_/fm1a_ token): organisation and its action
// mask, apps, volumes, machines, clusters, GraphQL mutations, validity
// window, "no admin features" and third-party (login) requirements. The
// caveats of every token in the bundle narrow what it may do, so all are
// read. IfPresent caveats are read one level deep: the resource caveats
// inside limit requests naming those resources, the else mask all others.
func DecodeFlyMacaroon(secret string, base Scope) Scope {
	return decodeFlyMacaroon(secret, base, time.Now())
}

func decodeFlyMacaroon(secret string, base Scope, now time.Time) Scope {
	if len(secret) > maxDecode {
		return base
	}
	s := strings.TrimSpace(secret)
	if f := strings.Fields(s); len(f) == 2 && f[0] == "FlyV1" {
		s = f[1]
	}
	ff := flyFacts{orgMask: flyAll, appsMask: flyAll, ifMask: flyAll, ifElse: flyAll}
	for i, tok := range strings.Split(s, ",") {
		if i >= 16 {
			break
		}
		label, b64, ok := strings.Cut(strings.TrimSpace(tok), "_")
		if !ok || label != "fm2" && label != "fm1r" && label != "fm1a" {
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			if raw, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(b64, "=")); err != nil {
				continue
			}
		}
		if ff.readMacaroon(raw) == nil {
			ff.tokens++
		}
	}
	if ff.tokens == 0 {
		return base
	}
	return ff.scope(base.Normalize().Clone(), now)
}

// readMacaroon reads [nonce, location, caveats, tail].
func (ff *flyFacts) readMacaroon(raw []byte) error {
	r := &mpReader{b: raw}
	n, err := r.arrayLen()
	if err != nil || n < 3 {
		return errMsgpack
	}
	if err := r.skip(); err != nil { // nonce
		return err
	}
	if _, err := r.bytesOrString(); err != nil { // location
		return err
	}
	return ff.readCaveats(r, 0)
}

// readCaveats reads a caveat set: an array of alternating type and body.
func (ff *flyFacts) readCaveats(r *mpReader, depth int) error {
	if depth > 4 {
		return errMsgpack
	}
	n, err := r.arrayLen()
	if err != nil || n%2 != 0 {
		return errMsgpack
	}
	for i := 0; i < n/2; i++ {
		typ, err := r.int()
		if err != nil {
			return err
		}
		body, err := r.raw()
		if err != nil {
			return err
		}
		ff.caveat(typ, &mpReader{b: body}, depth)
	}
	return nil
}

// caveat records one caveat; a body it cannot read is skipped.
func (ff *flyFacts) caveat(typ int64, r *mpReader, depth int) {
	switch typ {
	case flyCavOrganization: // [id, mask]
		if n, err := r.arrayLen(); err == nil && n >= 2 {
			if _, err := r.int(); err == nil {
				if m, err := r.int(); err == nil {
					ff.orgs++
					ff.orgMask &= uint64(m)
				}
			}
		}
	case flyCavApps: // [{appID: mask}]
		if n, err := r.arrayLen(); err == nil && n >= 1 {
			if m, err := r.mapLen(); err == nil {
				var union uint64
				for j := 0; j < m; j++ {
					if r.skip() != nil {
						return
					}
					mask, err := r.int()
					if err != nil {
						return
					}
					union |= uint64(mask)
				}
				ff.appCaveats++
				ff.appsMask &= union
				if ff.apps == 0 || m < ff.apps {
					ff.apps = m
				}
			}
		}
	case flyCavVolumes:
		ff.resources = append(ff.resources, "volumes")
	case flyCavMachines:
		ff.resources = append(ff.resources, "machines")
	case flyCavClusters:
		ff.resources = append(ff.resources, "clusters")
	case flyCavValidityWindow: // [not_before, not_after]
		if n, err := r.arrayLen(); err == nil && n >= 2 {
			nb, err1 := r.int()
			na, err2 := r.int()
			if err1 == nil && err2 == nil {
				if !ff.hasWindow || na < ff.notAfter {
					ff.notAfter = na
				}
				if !ff.hasWindow || nb > ff.notBefore {
					ff.notBefore = nb
				}
				ff.hasWindow = true
			}
		}
	case flyCavMutations: // [[name, ...]]
		if n, err := r.arrayLen(); err == nil && n >= 1 {
			if m, err := r.arrayLen(); err == nil {
				for j := 0; j < m && j < 8; j++ {
					b, err := r.bytesOrString()
					if err != nil {
						return
					}
					ff.mutations = append(ff.mutations, caveatText(b, 40))
				}
				if len(ff.mutations) == 0 {
					ff.mutations = append(ff.mutations, "(none)")
				}
			}
		}
	case flyCav3P: // [location, vid, cid]
		if n, err := r.arrayLen(); err == nil && n >= 1 {
			if b, err := r.bytesOrString(); err == nil && len(ff.thirdParty) < 4 {
				ff.thirdParty = append(ff.thirdParty, caveatText(b, 60))
			}
		}
	case flyCavIfPresent: // [ifs caveat set, else mask]
		if depth > 0 {
			return
		}
		if n, err := r.arrayLen(); err == nil && n >= 2 {
			sub := flyFacts{orgMask: flyAll, appsMask: flyAll, ifMask: flyAll, ifElse: flyAll}
			if sub.readCaveats(r, depth+1) != nil {
				return
			}
			els, err := r.int()
			if err != nil {
				return
			}
			ff.ifCount++
			ff.ifElse &= uint64(els)
			ff.ifMask &= sub.orgMask & sub.appsMask
			if sub.appCaveats > 0 && (ff.ifApps == 0 || sub.apps < ff.ifApps) {
				ff.ifApps = sub.apps
			}
			ff.ifResources = append(ff.ifResources, sub.resources...)
		}
	case flyCavNoAdminFeatures:
		ff.noAdmin = true
	case flyCavConfineUser:
		ff.confineUser = true
	case flyCavConfineOrg:
		ff.confineOrg = true
	}
}

func (ff *flyFacts) scope(s Scope, now time.Time) Scope {
	s.Confidence = ConfidenceDecoded
	topNarrow := len(ff.resources) > 0 || ff.appCaveats > 0
	// broad is what the token may do on requests that name no app or other
	// resource (the organisation itself, new apps); narrow is what it may
	// do on the resources its caveats name.
	broad := ff.orgMask
	if topNarrow {
		broad = 0 // a top-level resource caveat denies requests without one
	}
	broad &= ff.ifElse
	narrow := ff.orgMask & ff.appsMask & ff.ifMask
	apps := ff.apps
	if ff.appCaveats == 0 {
		apps = ff.ifApps
	}
	named := topNarrow || ff.ifApps > 0 || len(ff.ifResources) > 0
	resources := append(append([]string(nil), ff.resources...), ff.ifResources...)
	sort.Strings(resources)
	if ff.appCaveats > 0 || ff.ifApps > 0 {
		s.Evidence = append(s.Evidence, fmt.Sprintf("macaroon caveat: apps=%d", apps))
	}
	if len(resources) > 0 {
		s.Evidence = append(s.Evidence, "macaroon caveat: only listed "+strings.Join(resources, ", "))
	}
	if ff.ifCount > 0 {
		s.Evidence = append(s.Evidence, "macaroon caveat: IfPresent, elsewhere only "+flyActions(broad))
	}
	if ff.orgs == 0 && !named {
		return ff.rest(s, now)
	}
	mask := broad
	switch {
	case broad&^flyRead != 0 || !named:
		// writes reach past the named resources: the whole organisation
		s.Reach = ReachOrg
		if !named {
			s.Evidence = append(s.Evidence, "macaroon caveat: organization with no app caveat: every app in the org")
		}
	case apps > 1:
		s.Reach, mask = ReachProject, narrow|broad
	default:
		s.Reach, mask = ReachResource, narrow|broad
	}
	s.Evidence = append(s.Evidence, "macaroon actions: "+flyActions(mask))
	switch {
	case mask == flyAll && s.Reach == ReachOrg && !ff.noAdmin && !named:
		s.Access = AccessAdmin
	case mask&(flyWrite|flyCreate|flyDelete|flyControl) != 0:
		s.Access = AccessWrite
	case mask&flyRead != 0:
		s.Access = AccessRead
	default:
		s.Access = AccessNone
	}
	s.Destructive, s.DestroysWhat = mask&flyDelete != 0, ""
	if s.Destructive {
		if s.Reach == ReachOrg {
			s.DestroysWhat = "apps, machines and volumes of the organization"
		} else {
			s.DestroysWhat = "the apps or resources it names"
		}
	}
	return ff.rest(s, now)
}

// rest adds what does not depend on reach: mutations, admin features,
// login requirements and the validity window.
func (ff *flyFacts) rest(s Scope, now time.Time) Scope {
	if len(ff.mutations) > 0 {
		s.Evidence = append(s.Evidence, "macaroon caveat: only GraphQL mutations "+strings.Join(ff.mutations, ", "))
	}
	if ff.noAdmin {
		s.Evidence = append(s.Evidence, "macaroon caveat: no admin features")
	}
	if ff.confineUser || ff.confineOrg {
		s.Evidence = append(s.Evidence, "macaroon caveat: login confined to a user or organization")
	}
	if len(ff.thirdParty) > 0 {
		s.Evidence = append(s.Evidence, "macaroon caveat: needs a discharge from "+strings.Join(ff.thirdParty, ", ")+fmt.Sprintf(" (%d token(s) in the bundle)", ff.tokens))
	}
	if ff.hasWindow {
		na := time.Unix(ff.notAfter, 0).UTC()
		window := time.Duration(ff.notAfter-ff.notBefore) * time.Second
		s.ExpiresAt = &na
		ev := "macaroon caveat: valid until " + na.Format(time.RFC3339)
		switch {
		case !na.After(now):
			s.Lifetime = LifetimeExpired
			ev += " (expired)"
		case ff.notAfter-ff.notBefore <= 24*3600 && window >= 0:
			s.Lifetime = LifetimeEphemeral
		case na.Sub(now) > 366*24*time.Hour:
			s.Lifetime = LifetimeLongLived
		default:
			s.Lifetime = LifetimeExpiring
		}
		s.Evidence = append(s.Evidence, ev)
	}
	return s
}

func flyActions(m uint64) string {
	var out []string
	for _, a := range []struct {
		bit  uint64
		name string
	}{{flyRead, "read"}, {flyWrite, "write"}, {flyCreate, "create"}, {flyDelete, "delete"}, {flyControl, "control"}} {
		if m&a.bit != 0 {
			out = append(out, a.name)
		}
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}

// caveatText returns b as text, with anything outside printable ASCII
// replaced and the length bounded, so evidence never carries raw bytes.
func caveatText(b []byte, max int) string {
	if len(b) > max {
		b = b[:max]
	}
	out := make([]byte, len(b))
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			c = '?'
		}
		out[i] = c
	}
	return string(out)
}
