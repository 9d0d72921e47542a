package detectors

import (
	"encoding/base64"
	"testing"
)

func TestValidBasicCredentials(t *testing.T) {
	enc := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	for _, c := range []struct {
		b64  string
		want bool
	}{
		{enc("deploy:Qm9xT2pLzW3rV8sa"), true},
		{enc(":Qm9xT2pLzW3rV8sa"), true}, // a token as the password, no user
		{base64.RawStdEncoding.EncodeToString([]byte("ci@example.org:Zx81kq0PwmLr")), true},
		{enc("Aladdin:open sesame"), false}, // RFC 7617's example
		{enc("aladdin:opensesame"), false},
		{enc("username:password"), false},
		{enc("admin:xxxxxxxx"), false},
		{enc("_token:hunter2"), false},        // go-containerregistry's diagram
		{enc("s6BhdRkqt3:gX1fBat3bV"), false}, // RFC 6749 section 2.3.1
		{enc("no colon at all"), false},
		{enc("user:"), false},
		{enc("us\x01er:pa\x02ss"), false},
		{"jpvcGVuc2VzYW1lYWxhZGRpb", false}, // not user:password text
		{"!!!notbase64", false},
	} {
		if got := ValidBasicCredentials(c.b64); got != c.want {
			t.Errorf("%q: %v, want %v", c.b64, got, c.want)
		}
	}
}
