package reporters

import (
	"io"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/tokenscope/tokenscope/detectors/scope"
)

// DefaultWidth is the terminal width used when Run.Width is 0.
const DefaultWidth = 100

// minWidth keeps wrapping sane on absurdly narrow terminals.
const minWidth = 40

// Styles paints the terminal report. With colour off every method returns
// its text unchanged (no ANSI escape at all); with colour on it uses the 16
// basic ANSI colours, which every colour terminal has. A Header hook (see
// Terminal) receives the report's Styles so that a section it writes looks
// like the rest of the report.
type Styles struct {
	// Color says whether escapes are written.
	Color bool
	// Width is the column count text is wrapped to.
	Width int

	bold, dim, label, path, secret lipgloss.Style
	badges                         [int(scope.SevCritical) + 1]lipgloss.Style
	groups                         [numRadii]lipgloss.Style
}

// NewStyles returns the styles for writing to w. The colour decision is
// the caller's (the CLI looks at the TTY and NO_COLOR); nothing here asks
// the terminal anything.
func NewStyles(w io.Writer, color bool, width int) *Styles {
	if width <= 0 {
		width = DefaultWidth
	}
	if width < minWidth {
		width = minWidth
	}
	r := lipgloss.NewRenderer(w)
	r.SetHasDarkBackground(true)
	if color {
		r.SetColorProfile(termenv.ANSI)
	} else {
		r.SetColorProfile(termenv.Ascii)
	}
	st := &Styles{Color: color, Width: width}
	st.bold = r.NewStyle().Bold(true)
	st.dim = r.NewStyle().Faint(true)
	st.label = r.NewStyle().Faint(true)
	st.path = r.NewStyle().Foreground(lipgloss.Color("6"))
	st.secret = r.NewStyle().Foreground(lipgloss.Color("5"))
	badge := func(fg, bg string) lipgloss.Style {
		return r.NewStyle().Bold(true).Foreground(lipgloss.Color(fg)).Background(lipgloss.Color(bg))
	}
	st.badges[scope.SevCritical] = badge("15", "1")
	st.badges[scope.SevHigh] = badge("0", "9")
	st.badges[scope.SevMedium] = badge("0", "3")
	st.badges[scope.SevLow] = badge("0", "4")
	st.badges[scope.SevInfo] = badge("0", "7")
	st.groups[RadiusDestroy] = r.NewStyle().Bold(true).Foreground(lipgloss.Color("1"))
	st.groups[RadiusBroad] = r.NewStyle().Bold(true).Foreground(lipgloss.Color("3"))
	st.groups[RadiusNarrow] = r.NewStyle().Bold(true).Foreground(lipgloss.Color("4"))
	st.groups[RadiusHarmless] = r.NewStyle().Bold(true)
	return st
}

func (st *Styles) render(s lipgloss.Style, text string) string {
	if !st.Color {
		return text
	}
	return s.Render(text)
}

// Bold emphasises text.
func (st *Styles) Bold(text string) string { return st.render(st.bold, text) }

// Dim de-emphasises text.
func (st *Styles) Dim(text string) string { return st.render(st.dim, text) }

// Path paints a file location.
func (st *Styles) Path(text string) string { return st.render(st.path, text) }

// Secret paints a (redacted) secret.
func (st *Styles) Secret(text string) string { return st.render(st.secret, text) }

// Badge is the severity as a fixed-width tag, " CRITICAL " .. " INFO     ".
func (st *Styles) Badge(sev scope.Severity) string {
	text := " " + padRight(strings.ToUpper(sev.String()), len("CRITICAL")) + " "
	if sev < scope.SevInfo || sev > scope.SevCritical {
		return text
	}
	return st.render(st.badges[sev], text)
}

// Heading is a blast-radius group's title with its count:
// "CAN DESTROY (2)".
func (st *Styles) Heading(r Radius, n int) string {
	text := strings.ToUpper(r.Title()) + " (" + strconv.Itoa(n) + ")"
	if r < RadiusDestroy || r > RadiusHarmless {
		return text
	}
	return st.render(st.groups[r], text)
}

// Wrap breaks text into lines of at most width columns (words longer than
// that stand alone on their line), joined with "\n" + indent spaces, so
// it can follow a label that is indent columns wide.
func (st *Styles) Wrap(text string, indent int) string {
	avail := st.Width - indent
	if avail < 20 {
		avail = 20
	}
	var lines []string
	var cur strings.Builder
	curLen := 0
	for _, word := range strings.Fields(text) {
		wl := lipgloss.Width(word)
		if curLen > 0 && curLen+1+wl > avail {
			lines = append(lines, cur.String())
			cur.Reset()
			curLen = 0
		}
		if curLen > 0 {
			cur.WriteByte(' ')
			curLen++
		}
		cur.WriteString(word)
		curLen += wl
	}
	if curLen > 0 || len(lines) == 0 {
		lines = append(lines, cur.String())
	}
	return strings.Join(lines, "\n"+strings.Repeat(" ", indent))
}

func padRight(s string, n int) string {
	if len(s) >= n {
		return s
	}
	return s + strings.Repeat(" ", n-len(s))
}
