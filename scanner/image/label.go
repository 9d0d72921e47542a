package image

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// maxStepInLabel bounds the build step quoted in a layer's chain element;
// the whole step is in Origin.Instruction.
const maxStepInLabel = 80

// Step turns a history created_by line into the Dockerfile instruction a
// person recognises: "/bin/sh -c #(nop)  ENV A=1" is "ENV A=1",
// "/bin/sh -c make" and BuildKit's "RUN /bin/sh -c make # buildkit" are
// "RUN make", and "|2 A=1 B=2 /bin/sh -c make" (a RUN with build args) is
// "RUN make". Other lines are returned trimmed.
func Step(createdBy string) string {
	s := strings.TrimSpace(createdBy)
	s = strings.TrimSpace(strings.TrimSuffix(s, "# buildkit"))
	run := false
	if strings.HasPrefix(s, "RUN ") {
		run = true
		s = strings.TrimSpace(s[4:])
	}
	if strings.HasPrefix(s, "|") {
		// "|N k=v ... cmd": N build args precede the command
		fields := strings.Fields(s)
		var n int
		if _, err := fmt.Sscanf(fields[0], "|%d", &n); err == nil && n >= 0 && n < len(fields) {
			s = strings.Join(fields[1+n:], " ")
			run = true
		}
	}
	for _, sh := range []string{"/bin/sh -c ", "/bin/bash -c ", "cmd /S /C "} {
		if strings.HasPrefix(s, sh) {
			s = strings.TrimSpace(s[len(sh):])
			run = true
			break
		}
	}
	if strings.HasPrefix(s, "#(nop)") {
		return strings.TrimSpace(strings.TrimPrefix(s, "#(nop)"))
	}
	if run {
		return "RUN " + s
	}
	return s
}

// shortDigest is "sha256:" and the first 12 hex digits.
func shortDigest(d string) string {
	if i := strings.IndexByte(d, ':'); i >= 0 && len(d) > i+13 {
		return d[:i+13]
	}
	return d
}

// layerLabel is a layer's chain element: "layer 3 (sha256:abcdef012345):
// RUN make". n counts from 1, the base layer.
func layerLabel(n int, digest, step string) string {
	l := fmt.Sprintf("layer %d (%s)", n, shortDigest(digest))
	if step == "" {
		return l
	}
	return l + ": " + oneLine(step, maxStepInLabel)
}

// oneLine folds whitespace runs (newlines included) to one space and
// bounds s to max runes, ending a cut string with "…".
func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}
