package scope

import (
	"net/url"
	"strings"
	"time"
)

// maxDecode bounds how much of a secret any decoder reads.
const maxDecode = 16 << 10

// DecodeAzureSAS reads an Azure Storage shared access signature (a URL or
// a bare query string): sp permissions, se/st validity, ss/srt (account
// SAS) or sr (service SAS), si (stored access policy) and skoid (user
// delegation). It returns base unchanged when the string holds no sig.
func DecodeAzureSAS(secret string, base Scope) Scope {
	return decodeAzureSAS(secret, base, time.Now())
}

func decodeAzureSAS(secret string, base Scope, now time.Time) Scope {
	if len(secret) > maxDecode {
		secret = secret[:maxDecode]
	}
	host := ""
	q := secret
	if i := strings.Index(secret, "SharedAccessSignature="); i >= 0 {
		// a connection string: ...;SharedAccessSignature=sv=...&sig=...;...
		host = secret[:i]
		q = secret[i+len("SharedAccessSignature="):]
	} else if i := strings.IndexByte(secret, '?'); i >= 0 {
		host = secret[:i]
		q = secret[i+1:]
	}
	// a connection string's SharedAccessSignature=sv=...;BlobEndpoint=...
	if i := strings.IndexByte(q, ';'); i >= 0 {
		q = q[:i]
	}
	params := map[string]string{}
	for n, kv := range strings.Split(q, "&") {
		if n >= 64 {
			break
		}
		k, v, _ := strings.Cut(kv, "=")
		k = strings.ToLower(strings.TrimSpace(k))
		if uv, err := url.QueryUnescape(v); err == nil {
			v = uv
		}
		if _, dup := params[k]; !dup {
			params[k] = v
		}
	}
	if params["sig"] == "" || params["sp"] == "" && params["si"] == "" && params["se"] == "" {
		return base
	}
	s := base.Normalize().Clone()
	s.Confidence = ConfidenceDecoded

	// permissions
	if sp := params["sp"]; sp != "" {
		var read, write, del []string
		seen := map[rune]bool{}
		for _, c := range sp {
			if seen[c] {
				continue // each permission counted once, so evidence stays bounded
			}
			seen[c] = true
			switch c {
			case 'r':
				read = append(read, "r read")
			case 'l':
				read = append(read, "l list")
			case 'f':
				read = append(read, "f filter")
			case 'd':
				del = append(del, "d delete")
			case 'x':
				del = append(del, "x delete version")
			case 'y':
				del = append(del, "y permanent delete")
			case 'w', 'a', 'c', 'u', 'p', 't', 'i', 'm', 'e', 'o':
				write = append(write, string(c))
			}
		}
		switch {
		case len(del) > 0 || len(write) > 0:
			s.Access = AccessWrite
		case len(read) > 0:
			s.Access = AccessRead
		default:
			s.Access = AccessUnknown
		}
		shown := sp
		if len(shown) > maxSASParamShown {
			shown = shown[:maxSASParamShown] + "…"
		}
		ev := "SAS sp=" + shown
		switch {
		case len(del) > 0:
			s.Destructive = true
			s.DestroysWhat = "blobs, files, queue messages or table entities it reaches"
			ev += ": can delete (" + strings.Join(del, ", ") + ")"
		case len(write) > 0:
			ev += ": can write (" + strings.Join(write, "") + ")"
		default:
			ev += ": read only"
			s.Destructive, s.DestroysWhat = false, ""
		}
		s.Evidence = append(s.Evidence, ev)
	} else {
		s.Access = AccessUnknown
	}
	if si := params["si"]; si != "" {
		s.Evidence = append(s.Evidence, "SAS si="+si+": stored access policy, its permissions and expiry may live in the policy (revocable)")
	}

	// reach
	switch {
	case params["ss"] != "" || params["srt"] != "":
		s.Reach = ReachAccount
		s.Evidence = append(s.Evidence, "account SAS ss="+params["ss"]+" srt="+params["srt"]+": services "+sasServices(params["ss"])+" of the whole storage account")
	case params["sr"] != "":
		s.Reach = ReachResource
		s.Evidence = append(s.Evidence, "service SAS sr="+params["sr"]+": one "+sasResource(params["sr"]))
	}
	if params["skoid"] != "" {
		s.Evidence = append(s.Evidence, "user delegation SAS: also limited by the Entra identity's roles")
	}
	lh := strings.ToLower(host)
	if strings.Contains(lh, "devstoreaccount1") || strings.Contains(lh, "127.0.0.1:10000") || strings.Contains(lh, "localhost:10000") {
		s.Env = EnvTest
		s.Evidence = append(s.Evidence, "storage emulator endpoint (Azurite): not production")
	}

	// lifetime
	if se, ok := parseSASTime(params["se"]); ok {
		st, hasStart := parseSASTime(params["st"])
		t := se.UTC()
		s.ExpiresAt = &t
		switch {
		case !se.After(now):
			s.Lifetime = LifetimeExpired
			s.Evidence = append(s.Evidence, "SAS se="+t.Format(time.RFC3339)+": expired")
		case hasStart && se.Sub(st) <= 24*time.Hour || !hasStart && se.Sub(now) <= 24*time.Hour:
			s.Lifetime = LifetimeEphemeral
			s.Evidence = append(s.Evidence, "SAS se="+t.Format(time.RFC3339)+": valid at most a day")
		default:
			s.Lifetime = LifetimeExpiring
			s.Evidence = append(s.Evidence, "SAS se="+t.Format(time.RFC3339)+": expires then")
		}
	}
	return s
}

func sasServices(ss string) string {
	var out []string
	for _, c := range ss {
		switch c {
		case 'b':
			out = append(out, "blob")
		case 'f':
			out = append(out, "file")
		case 'q':
			out = append(out, "queue")
		case 't':
			out = append(out, "table")
		}
	}
	if len(out) == 0 {
		return "(unknown)"
	}
	return strings.Join(out, ", ")
}

func sasResource(sr string) string {
	switch sr {
	case "b":
		return "blob"
	case "bv":
		return "blob version"
	case "bs":
		return "blob snapshot"
	case "c":
		return "container"
	case "f":
		return "file"
	case "s":
		return "share"
	case "d":
		return "directory"
	}
	return "resource"
}

func parseSASTime(v string) (time.Time, bool) {
	if v == "" || len(v) > 40 {
		return time.Time{}, false
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// maxSASParamShown bounds a SAS parameter value quoted in evidence.
const maxSASParamShown = 32
