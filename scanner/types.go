// Package scanner runs sources through the detector set and collects
// findings. Sources (scanner/dir, scanner/git, ...) yield Items; the Engine
// reads each Item in bounded chunks, runs the detectors over it and turns
// every candidate into a redacted, classified Finding.
package scanner

import (
	"context"
	"io"
	"time"

	"github.com/tokenscope/tokenscope/detectors/scope"
)

// An Item is one piece of content that some reader could open.
type Item struct {
	Origin Origin
	// Size is the content's size in bytes when known, else -1.
	Size int64
	// Open returns the content; it is called at most once, lazily, by the
	// worker that scans the item.
	Open func() (io.ReadCloser, error)
}

// Origin says where content lives and how a person finds it again.
type Origin struct {
	// Kind is the source: "file", "git", "archive", "image", "env",
	// "home", "stdin" (the Kind* constants).
	Kind SourceKind `json:"kind"`
	// Path is relative to the working directory where possible, with
	// forward slashes.
	Path string `json:"path"`
	// Chain lists outer containers, outermost first.
	Chain []string `json:"chain,omitempty"`
	// Git: the first commit that introduced the content.
	Commit string `json:"commit,omitempty"`
	Author string `json:"author,omitempty"`
	Date   string `json:"date,omitempty"`
	// Blob is the git blob id of the content.
	Blob string `json:"blob,omitempty"`
	// Image: the layer and the build step that made it.
	Layer       string `json:"layer,omitempty"`
	Instruction string `json:"instruction,omitempty"`
	// Store names a credential store (home source): "aws-credentials".
	Store string `json:"store,omitempty"`
	// Via says how an agent reaches the content: "workspace", "history",
	// "staged", "parent-env", "home", "environment" (the Via* constants).
	Via Via `json:"via,omitempty"`
	// InHistoryOnly is set when the content is no longer present at HEAD
	// (or in the final image): only history holds it.
	InHistoryOnly bool `json:"in_history_only,omitempty"`
	// Line is set only on the origins listed in Finding.Also: the line of
	// the same credential at that place (a finding's own line is
	// Finding.Line).
	Line int `json:"line,omitempty"`
}

// SourceKind is Origin.Kind: the kind of source content comes from.
type SourceKind string

// Source kinds.
const (
	KindFile    SourceKind = "file"    // a file of a directory tree
	KindGit     SourceKind = "git"     // a git blob (history, staged, range)
	KindArchive SourceKind = "archive" // an archive given as the item itself
	KindImage   SourceKind = "image"   // a container image's layer or config
	KindEnv     SourceKind = "env"     // an environment variable
	KindHome    SourceKind = "home"    // a credential store in a home directory
	KindStdin   SourceKind = "stdin"   // standard input
)

// Via is Origin.Via: how an agent reaches the content.
type Via string

// Ways of reaching content.
const (
	ViaWorkspace   Via = "workspace"   // the working tree the agent starts in
	ViaHistory     Via = "history"     // the repository's git history
	ViaStaged      Via = "staged"      // the git index (pre-commit)
	ViaParentEnv   Via = "parent-env"  // .env files of the directories above
	ViaHome        Via = "home"        // the user's home directory
	ViaEnvironment Via = "environment" // the process environment
)

// A Source enumerates Items. Walk calls emit for each item and skip for
// each thing it could not read; it returns when done, when ctx is
// cancelled or when emit returns an error (which it then returns).
// Walk may call emit and skip from several goroutines at once (the image
// source reads layers concurrently): callers must be safe for that, as
// the engine is. A Source never reads content it does not own and never
// prints.
type Source interface {
	Name() string
	Walk(ctx context.Context, emit func(Item) error, skip func(Skipped)) error
}

// Skipped is something that was not scanned, or scanned only in part, with
// the reason.
type Skipped struct {
	// Path is Origin.Path (kept for readers of the first report format).
	Path   string `json:"path"`
	Reason string `json:"reason"`
	// Kind classifies Reason; empty when a source did not say.
	Kind SkipKind `json:"kind,omitempty"`
	// Origin is where the skipped content lives, chain included, when the
	// engine knows it.
	Origin *Origin `json:"origin,omitempty"`
	// Partial is set when part of the item was scanned (size limit).
	Partial bool `json:"partial,omitempty"`
}

// SkipKind is the typed reason of a Skipped entry.
type SkipKind string

// Skip kinds.
const (
	SkipBinary      SkipKind = "binary"       // content looks binary (NUL in its first bytes)
	SkipTooLarge    SkipKind = "too-large"    // larger than --max-file-size: scanned in part
	SkipUnreadable  SkipKind = "unreadable"   // could not be opened or read
	SkipCorrupt     SkipKind = "corrupt"      // an expander could not decode the content
	SkipBudget      SkipKind = "budget"       // an expansion budget (depth, bytes, ratio, entries) was hit
	SkipRecursive   SkipKind = "recursive"    // an archive byte-identical to one that holds it (a quine): not expanded
	SkipNotFollowed SkipKind = "not-followed" // link, submodule, LFS pointer or special file, by policy
	SkipSource      SkipKind = "source"       // a source failed as a whole, or in part
)

// Finding is one credential at one place.
type Finding struct {
	RuleID   string `json:"rule_id"`
	Provider string `json:"provider"`
	Kind     string `json:"kind"`
	// Secret is the raw credential; it is empty unless the user asked for
	// secrets to be shown.
	Secret string `json:"secret,omitempty"`
	// Redacted is the credential with its secret part masked.
	Redacted string `json:"redacted"`
	// Fingerprint identifies the credential (rule + secret) without
	// revealing it; the same secret has the same fingerprint everywhere.
	Fingerprint string `json:"fingerprint"`
	Origin      Origin `json:"origin"`
	// Line and Column are 1-based; Column counts bytes.
	Line      int   `json:"line"`
	Column    int   `json:"column"`
	EndLine   int   `json:"end_line"`
	EndColumn int   `json:"end_column"`
	Offset    int64 `json:"offset"`
	// Key is the variable, field or header name the credential is
	// assigned to, when there is one on its line.
	Key      string            `json:"key,omitempty"`
	Scope    scope.Scope       `json:"scope"`
	Severity scope.Severity    `json:"severity"`
	Attrs    map[string]string `json:"attrs,omitempty"`
	// Also lists further places the same credential was found, when the
	// source groups them (git history: one blob, many commits).
	Also []Origin `json:"also,omitempty"`
	// FailsRun is set by the policy stage (package policy) when the
	// finding reaches --fail-on and is not suppressed. Reporters and the
	// exit code only read it.
	FailsRun bool `json:"fails_run"`
	// Suppressed is set by the policy stage when an inline allow, a
	// baseline or an allow-list covers the finding; nil otherwise. A
	// suppressed finding never fails the run.
	Suppressed *Suppression `json:"suppressed,omitempty"`
	// Allow is the inline allow marker after the credential on its line,
	// if any; InlineAllowed decides which finding it allows.
	Allow *AllowMarker `json:"-"`
	// Allowed is why an allowlist (Options.Allow) matched the credential,
	// decided where its raw secret is known; empty when none did.
	Allowed string `json:"-"`
	// Verification is the issuer's answer, with scan --verify only.
	Verification *Verification `json:"verification,omitempty"`
}

// Suppression says why a finding is not held against the run.
type Suppression struct {
	Kind SuppressKind `json:"kind"`
	// Reason is for people: "tokenscope:allow on its line",
	// "in baseline .tokenscope-baseline.json".
	Reason string `json:"reason"`
	// Source is the file that says so (the config or baseline file, or the
	// scanned file for an inline allow), when there is one.
	Source string `json:"source,omitempty"`
}

// SuppressKind is the typed kind of a Suppression.
type SuppressKind string

// Suppression kinds.
const (
	SuppressInline    SuppressKind = "inline"    // an allow comment on the credential's line
	SuppressBaseline  SuppressKind = "baseline"  // the credential is in the accepted baseline
	SuppressAllowlist SuppressKind = "allowlist" // a configured allow-list (rule, path, fingerprint, value)
)

// Stats counts what a scan read.
type Stats struct {
	Items    int64         `json:"items"`
	Bytes    int64         `json:"bytes"`
	Skipped  int64         `json:"skipped"`
	Duration time.Duration `json:"duration_ns"`
}

// Result is everything a scan found.
type Result struct {
	Findings []Finding `json:"findings"`
	Skipped  []Skipped `json:"skipped"`
	Stats    Stats     `json:"stats"`
}
