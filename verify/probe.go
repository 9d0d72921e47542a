package verify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// probe is the common shape of a verifier: one request, a status that
// means live, statuses that mean invalid, and fields of the JSON reply
// shown as evidence.
type probe struct {
	method string // GET when empty
	path   string
	// target builds the path from the credential instead of path; ok
	// false means the request cannot be built (why says what is missing).
	target func(cred Credential) (path, why string, ok bool)
	body   string
	header func(secret string) []string
	// invalid lists the statuses that mean revoked or never valid; 401
	// when empty. forbidden lists statuses that mean the credential
	// authenticated but may not read this route (live).
	invalid, forbidden []int
	// fields are dotted JSON paths shown in evidence as "label value";
	// the first must be present for a 200 to count as live.
	fields []field
	// truth is a dotted JSON path of a boolean that must be true on a 200
	// (Slack's ok, Datadog's valid); false means invalid.
	truth  string
	refine Refine
	// read, when set, refines the result from the decoded reply.
	read func(body any, r *Response, res *Result)
	// gate, when set, is the only host a finding's attrs.host may name
	// for its secret to be sent (credential stores name the host).
	gate string
}

type field struct{ path, label string }

func (p probe) what() string {
	m := p.method
	if m == "" {
		m = http.MethodGet
	}
	path := p.path
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if path == "" {
		path = "the issuer's identity route"
	}
	return m + " " + path
}

func (p probe) check(ctx context.Context, c *Call, cred Credential) Result {
	what := p.what()
	if p.gate != "" {
		if res, ok := otherHost(c, cred, p.gate, ""); ok {
			return res
		}
	}
	path := p.path
	if p.target != nil {
		var why string
		var ok bool
		if path, why, ok = p.target(cred); !ok {
			return Unknown("not sent: " + why)
		}
	}
	var body []byte
	if p.body != "" {
		body = []byte(p.body)
	}
	m := p.method
	if m == "" {
		m = http.MethodGet
	}
	var hdr []string
	if p.header != nil {
		hdr = p.header(cred.Secret)
	}
	r, err := c.Do(ctx, m, path, pairs(hdr), body)
	if err != nil {
		return failed(err)
	}
	invalid := p.invalid
	if len(invalid) == 0 {
		invalid = []int{401}
	}
	switch {
	case slices.Contains(invalid, r.Status):
		return Invalid(fmt.Sprintf("%s: HTTP %d (revoked, expired or never valid)", what, r.Status))
	case slices.Contains(p.forbidden, r.Status):
		return Live(fmt.Sprintf("%s: HTTP %d: the credential authenticates but may not read this", what, r.Status))
	case r.Status != 200:
		return unexpected(what, r)
	}
	var doc any
	if err := json.Unmarshal(r.Body, &doc); err != nil {
		return Unknown(fmt.Sprintf("%s: malformed reply (HTTP 200, not the JSON the issuer documents)", what))
	}
	if p.truth != "" {
		v, ok := lookup(doc, p.truth).(bool)
		if !ok {
			return Unknown(fmt.Sprintf("%s: HTTP 200 without %s (malformed reply)", what, p.truth))
		}
		if !v {
			return Invalid(fmt.Sprintf("%s: %s false", what, p.truth))
		}
	}
	ev := what + ": HTTP 200"
	for i, f := range p.fields {
		v, ok := scalar(lookup(doc, f.path))
		if !ok {
			if i == 0 {
				return Unknown(fmt.Sprintf("%s: HTTP 200 without %s (malformed reply)", what, f.path))
			}
			continue
		}
		ev += ", " + f.label + " " + clean(v)
	}
	res := Live(ev)
	res.Refine = p.refine
	if p.read != nil {
		p.read(doc, r, &res)
	}
	return res
}

// lookup walks a dotted path ("user.username", "data.0.id") in decoded JSON.
func lookup(doc any, path string) any {
	if path == "." {
		return doc
	}
	cur := doc
	for _, k := range strings.Split(path, ".") {
		switch v := cur.(type) {
		case map[string]any:
			cur = v[k]
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(v) {
				return nil
			}
			cur = v[i]
		default:
			return nil
		}
	}
	return cur
}

// scalar prints a JSON scalar; arrays print their length.
func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, x != ""
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(x), true
	case []any:
		return strconv.Itoa(len(x)), true
	}
	return "", false
}

// strings of a JSON array at path.
func stringsAt(doc any, path string) []string {
	arr, _ := lookup(doc, path).([]any)
	var out []string
	for _, a := range arr {
		if s, ok := a.(string); ok {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}
