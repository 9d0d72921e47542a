package scanner

// KeyName returns the variable, field or header name that a value is being
// assigned to, given the text of its line before the value:
//
//	export GITHUB_TOKEN="     -> GITHUB_TOKEN
//	"api_key": "               -> api_key
//	Authorization: Bearer      -> Authorization
//	--token=                   -> token
//
// It returns "" when the text does not end in an assignment.
func KeyName(before []byte) string {
	i := len(before)
	// skip the value's opening quote and spaces, and a scheme word such as
	// Bearer/Basic/token
	i = skipBack(before, i, " \t'\"`")
	if j := wordStart(before, i); j < i {
		w := string(before[j:i])
		if w == "Bearer" || w == "bearer" || w == "Basic" || w == "token" || w == "Token" {
			i = skipBack(before, j, " \t")
		}
	}
	// the assignment operator
	opEnd := i
	i = skipBack(before, i, " \t")
	switch {
	case i >= 2 && string(before[i-2:i]) == ":=":
		i -= 2
	case i >= 2 && string(before[i-2:i]) == "=>":
		i -= 2
	case i >= 1 && (before[i-1] == '=' || before[i-1] == ':'):
		i--
	default:
		_ = opEnd
		return ""
	}
	i = skipBack(before, i, " \t'\"`]")
	j := wordStart(before, i)
	for j < i && before[j] == '-' {
		j++ // a command-line flag: --token= names "token"
	}
	if j == i {
		return ""
	}
	return string(before[j:i])
}

func skipBack(b []byte, i int, set string) int {
	for i > 0 {
		c := b[i-1]
		found := false
		for k := 0; k < len(set); k++ {
			if set[k] == c {
				found = true
				break
			}
		}
		if !found {
			break
		}
		i--
	}
	return i
}

func wordStart(b []byte, i int) int {
	j := i
	for j > 0 {
		c := b[j-1]
		if c == '_' || c == '-' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			j--
			continue
		}
		break
	}
	return j
}
