package testtoken

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/vmihailenco/msgpack/v5"
)

// ---- PyPI ----

// PyPICaveat is one first-party caveat of a PyPI macaroon, as the JSON
// bytes Warehouse writes (compact, sorted keys).
type PyPICaveat string

// PyPIExpiry is the caveat [0, expires_at, not_before].
func PyPIExpiry(expiresAt, notBefore time.Time) PyPICaveat {
	return PyPICaveat(fmt.Sprintf("[0,%d,%d]", expiresAt.Unix(), notBefore.Unix()))
}

// PyPIProjects is the caveat [1, [normalized names]].
func PyPIProjects(names ...string) PyPICaveat {
	return PyPICaveat(`[1,` + jsonStrings(names) + `]`)
}

// PyPIProjectIDs is the caveat [2, [project ids]].
func PyPIProjectIDs(ids ...string) PyPICaveat {
	return PyPICaveat(`[2,` + jsonStrings(ids) + `]`)
}

// PyPIUser is the caveat [3, user id].
func PyPIUser(id string) PyPICaveat { return PyPICaveat(`[3,"` + id + `"]`) }

// PyPIOIDC is the caveat [4, OIDC provider id].
func PyPIOIDC(id string) PyPICaveat { return PyPICaveat(`[4,"` + id + `"]`) }

// PyPILegacyUser is the first caveat form: {"permissions":"user","version":1}.
func PyPILegacyUser() PyPICaveat { return `{"permissions":"user","version":1}` }

// PyPILegacyProjects is {"permissions":{"projects":[...]},"version":1}.
func PyPILegacyProjects(names ...string) PyPICaveat {
	return PyPICaveat(`{"permissions":{"projects":` + jsonStrings(names) + `},"version":1}`)
}

func jsonStrings(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = `"` + s + `"`
	}
	return "[" + strings.Join(q, ",") + "]"
}

// UUID returns a random version-4 UUID string.
func (g *Gen) UUID() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(g.r.IntN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (g *Gen) bytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(g.r.IntN(256))
	}
	return b
}

// PyPI returns a pypi- token as Warehouse mints it: a macaroon in the v2
// binary format (version byte 2; location, identifier; one section per
// caveat; an empty section; the 32-byte HMAC-SHA256 chain signature),
// URL-safe base64 without padding, prefixed "pypi-". location is
// "pypi.org" or "test.pypi.org".
func (g *Gen) PyPI(location string, caveats ...PyPICaveat) string {
	id := g.UUID()
	key := g.bytes(32)
	var b bytes.Buffer
	field := func(t int, data []byte) {
		b.Write(binary.AppendUvarint(nil, uint64(t)))
		b.Write(binary.AppendUvarint(nil, uint64(len(data))))
		b.Write(data)
	}
	b.WriteByte(2)
	field(1, []byte(location))
	field(2, []byte(id))
	b.WriteByte(0)
	// libmacaroons derives the root key, then chains HMACs over the
	// identifier and each caveat.
	sig := hmacSum([]byte("macaroons-key-generator"), key)
	sig = hmacSum(sig, []byte(id))
	for _, c := range caveats {
		field(2, []byte(c))
		b.WriteByte(0)
		sig = hmacSum(sig, []byte(c))
	}
	b.WriteByte(0)
	field(6, sig)
	return "pypi-" + base64.RawURLEncoding.EncodeToString(b.Bytes())
}

func hmacSum(key, data []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write(data)
	return h.Sum(nil)
}

// ---- Fly.io ----

// Fly.io action bits (resset.Action).
const (
	FlyRead    uint16 = 1 << 0
	FlyWrite   uint16 = 1 << 1
	FlyCreate  uint16 = 1 << 2
	FlyDelete  uint16 = 1 << 3
	FlyControl uint16 = 1 << 4
	FlyAll            = FlyRead | FlyWrite | FlyCreate | FlyDelete | FlyControl
)

// FlyCaveat is one caveat: its registered type number and its body, which
// is msgpack-encoded with structs as arrays, as superfly/macaroon does.
type FlyCaveat struct {
	Type uint64
	Body any
}

type flyOrg struct {
	ID   uint64
	Mask uint16
}
type flyApps struct{ Apps map[uint64]uint16 }
type flyWindow struct{ NotBefore, NotAfter int64 }
type flyMutations struct{ Mutations []string }
type flyEmpty struct{}
type fly3P struct {
	Location string
	VID, CID []byte
}

// FlyOrg limits a token to one organisation with an action mask.
func FlyOrg(id uint64, mask uint16) FlyCaveat { return FlyCaveat{0, flyOrg{id, mask}} }

// FlyApps limits a token to the given apps, each with mask.
func FlyApps(mask uint16, ids ...uint64) FlyCaveat {
	m := map[uint64]uint16{}
	for _, id := range ids {
		m[id] = mask
	}
	return FlyCaveat{3, flyApps{m}}
}

type flyIfPresent struct {
	Ifs  []any
	Else uint16
}

// FlyIfPresent applies ifs to requests that name their resources (apps,
// volumes...) and allows only elseMask on every other request.
func FlyIfPresent(elseMask uint16, ifs ...FlyCaveat) FlyCaveat {
	var set []any
	for _, c := range ifs {
		set = append(set, c.Type, c.Body)
	}
	return FlyCaveat{13, flyIfPresent{set, elseMask}}
}

// FlyValidity is the validity window caveat.
func FlyValidity(notBefore, notAfter time.Time) FlyCaveat {
	return FlyCaveat{4, flyWindow{notBefore.Unix(), notAfter.Unix()}}
}

// FlyMutations limits a token to the named GraphQL mutations.
func FlyMutations(names ...string) FlyCaveat { return FlyCaveat{6, flyMutations{names}} }

// FlyNoAdminFeatures forbids admin-only organisation features.
func FlyNoAdminFeatures() FlyCaveat { return FlyCaveat{22, flyEmpty{}} }

// FlyConfineOrg is the auth caveat confining the login to an organisation.
func FlyConfineOrg(id uint64) FlyCaveat { return FlyCaveat{9, struct{ ID uint64 }{id}} }

// Fly3P requires a discharge from the third party at location.
func (g *Gen) Fly3P(location string) FlyCaveat {
	return FlyCaveat{11, fly3P{location, g.bytes(48), g.bytes(64)}}
}

// FlyMacaroon encodes one macaroon as superfly/macaroon does:
// [nonce [kid, rnd, proof], location, caveats [type, body, ...], tail],
// msgpack with array-encoded structs and compact integers.
func (g *Gen) FlyMacaroon(location string, caveats ...FlyCaveat) []byte {
	var buf bytes.Buffer
	enc := msgpack.NewEncoder(&buf)
	enc.UseArrayEncodedStructs(true)
	enc.UseCompactInts(true)
	enc.SetSortMapKeys(true)
	must := func(err error) {
		if err != nil {
			panic("testtoken: msgpack: " + err.Error())
		}
	}
	kid, rnd := g.bytes(16), g.bytes(16)
	must(enc.EncodeArrayLen(4))
	must(enc.Encode([]any{kid, rnd, false}))
	must(enc.EncodeString(location))
	must(enc.EncodeArrayLen(2 * len(caveats)))
	tail := hmacSum(g.bytes(32), kid)
	for _, c := range caveats {
		must(enc.EncodeUint(c.Type))
		must(enc.Encode(c.Body))
		tail = hmacSum(tail, []byte(fmt.Sprint(c)))
	}
	must(enc.EncodeBytes(tail))
	return buf.Bytes()
}

// FlyToken returns a "FlyV1 fm2_...,fm2_..." header value: a permission
// token for api.fly.io with perm caveats, and, when discharge is not nil,
// a discharge token from the auth service with those caveats.
func (g *Gen) FlyToken(perm []FlyCaveat, discharge []FlyCaveat) string {
	toks := []string{"fm2_" + base64.StdEncoding.EncodeToString(g.FlyMacaroon("https://api.fly.io/v1", perm...))}
	if discharge != nil {
		toks = append(toks, "fm2_"+base64.StdEncoding.EncodeToString(g.FlyMacaroon("https://api.fly.io/aaa/v1", discharge...)))
	}
	return "FlyV1 " + strings.Join(toks, ",")
}

// ---- Azure SAS ----

// SAS describes an Azure Storage shared access signature.
type SAS struct {
	Account  string // storage account name; "devstoreaccount1" for Azurite
	Path     string // "/container/blob", "" for an account SAS
	SP       string // permissions, e.g. "rl", "racwdl"
	SS, SRT  string // account SAS: services, resource types
	SR       string // service SAS: b, c, f, s, d
	SI       string // stored access policy id
	Start    time.Time
	Expiry   time.Time
	Delegate bool // user delegation SAS (skoid...)
}

// SASURL returns a blob endpoint URL carrying the SAS, its parameters in
// the order Azure SDKs write them and a random 32-byte signature.
func (g *Gen) SASURL(s SAS) string {
	host := "https://" + s.Account + ".blob.core.windows.net"
	if s.Account == "devstoreaccount1" {
		host = "http://127.0.0.1:10000/devstoreaccount1"
	}
	var q []string
	add := func(k, v string) {
		if v != "" {
			q = append(q, k+"="+url.QueryEscape(v))
		}
	}
	add("sv", "2022-11-02")
	add("ss", s.SS)
	add("srt", s.SRT)
	add("sr", s.SR)
	add("si", s.SI)
	add("sp", s.SP)
	if !s.Start.IsZero() {
		add("st", s.Start.UTC().Format(time.RFC3339))
	}
	if !s.Expiry.IsZero() {
		add("se", s.Expiry.UTC().Format(time.RFC3339))
	}
	if s.Delegate {
		add("skoid", g.UUID())
		add("sktid", g.UUID())
	}
	add("spr", "https")
	add("sig", base64.StdEncoding.EncodeToString(g.bytes(32)))
	return host + s.Path + "?" + strings.Join(q, "&")
}
