package detectors

import (
	"hash/crc32"
	"strings"
)

// Base62 is the alphabet GitHub and npm use for their token checksums:
// digits, then upper case, then lower case.
const Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// Base62CRC32 encodes the CRC32 (IEEE) of body in Base62, left-padded with
// zeros to six characters, as GitHub's and npm's token formats do.
func Base62CRC32(body string) string {
	v := crc32.ChecksumIEEE([]byte(body))
	var out [6]byte
	for i := 5; i >= 0; i-- {
		out[i] = Base62[v%62]
		v /= 62
	}
	return string(out[:])
}

// validCRCToken checks prefix + 30 base62 + 6 base62 checksum of the 30.
func validCRCToken(tok string, prefixes ...string) bool {
	for _, p := range prefixes {
		if !strings.HasPrefix(tok, p) {
			continue
		}
		rest := tok[len(p):]
		if len(rest) != 36 {
			return false
		}
		return Base62CRC32(rest[:30]) == rest[30:]
	}
	return false
}

// ValidGitHubChecksum checks the CRC32 checksum in a ghp_/gho_/ghu_/ghs_/ghr_
// token (github.blog, "Behind GitHub's new authentication token formats").
func ValidGitHubChecksum(tok string) bool {
	return validCRCToken(tok, "ghp_", "gho_", "ghu_", "ghs_", "ghr_")
}

// ValidNpmChecksum checks the CRC32 checksum in an npm_ token.
func ValidNpmChecksum(tok string) bool { return validCRCToken(tok, "npm_") }

// ValidAzureSAS checks the structure of an Azure shared access signature
// query string (learn.microsoft.com, "Create an account SAS" / "Create a
// service SAS"): a signed version sv=YYYY-MM-DD and a signature sig= of at
// least 20 characters. It carries no checksum; this only rejects query
// strings that merely contain a parameter named sig.
func ValidAzureSAS(query string) bool {
	var version, sig bool
	for _, kv := range strings.Split(query, "&") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		switch k {
		case "sv":
			version = len(v) == 10 && isDigits(v[:4]) && v[4] == '-' && isDigits(v[5:7]) && v[7] == '-' && isDigits(v[8:])
		case "sig":
			sig = len(v) >= 20
		}
	}
	return version && sig
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
