package git

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	gogit "github.com/go-git/go-git/v5"
)

// remoteSchemes are the URL schemes of a remote repository.
var remoteSchemes = []string{"https://", "http://", "ssh://", "git://", "file://", "git+ssh://", "ssh+git://"}

// IsRemote tells whether a scan argument names a remote repository: a URL
// (https://, http://, ssh://, git://, file://) or git's scp-like form
// user@host:path. A caller should still prefer an existing local path of
// the same name.
func IsRemote(arg string) bool {
	l := strings.ToLower(arg)
	for _, s := range remoteSchemes {
		if strings.HasPrefix(l, s) && len(arg) > len(s) {
			return true
		}
	}
	return scpLike(arg)
}

// scpLike is git's user@host:path: an "@" and then a ":" before any
// slash, with something after it.
func scpLike(arg string) bool {
	i := strings.Index(arg, ":")
	if i <= 0 || i == len(arg)-1 {
		return false
	}
	before := arg[:i]
	at := strings.Index(before, "@")
	return at > 0 && at < len(before)-1 && !strings.ContainsAny(before, `/\`)
}

// RedactURL is the remote's name as reports show it: a URL without its
// user information (a user name can itself be a token: https://TOKEN@host),
// query or fragment. git's scp-like form has no password and is kept.
func RedactURL(raw string) string {
	if scpLike(raw) && !strings.Contains(raw, "://") {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		// unparsable: drop everything up to the last "@" of the authority
		s := raw
		if i := strings.Index(s, "://"); i >= 0 {
			rest := s[i+3:]
			end := strings.IndexAny(rest, "/?#")
			if end < 0 {
				end = len(rest)
			}
			if at := strings.LastIndex(rest[:end], "@"); at >= 0 {
				rest = rest[at+1:]
			}
			s = s[:i+3] + rest
		}
		if i := strings.IndexAny(s, "?#"); i >= 0 {
			s = s[:i]
		}
		return s
	}
	u.User = nil
	u.RawQuery, u.Fragment, u.RawFragment = "", "", ""
	return strings.TrimSuffix(u.String(), "/")
}

// isRemoteRoot tells whether a display root is a remote's name, whose
// paths join with "/" rather than filepath.Join (which would fold "//").
func isRemoteRoot(root string) bool {
	return strings.Contains(root, "://") || scpLike(root)
}

// Mirror clones the remote repository rawURL into dir as a bare mirror
// (every ref). With a git binary (backend auto or git) it runs git clone
// --mirror with the user's own configuration, so credential helpers,
// ssh-agent and insteadOf rewrites apply, and never prompts
// (GIT_TERMINAL_PROMPT=0); otherwise go-git clones it (credentials from
// the URL, ssh-agent for ssh). dir must not exist or be empty. Errors
// never hold the URL's credentials. Cancelling ctx stops the clone; the
// caller removes dir.
func Mirror(ctx context.Context, rawURL, dir string, opts Options) error {
	name := RedactURL(rawURL)
	if opts.Backend != BackendGoGit {
		bin := opts.GitBinary
		if bin == "" {
			bin = "git"
		}
		if p, err := exec.LookPath(bin); err == nil {
			return mirrorGit(ctx, p, rawURL, name, dir)
		} else if opts.Backend == BackendGit {
			return fmt.Errorf("cloning %s: --git-backend git: %w", name, err)
		}
	}
	_, err := gogit.PlainCloneContext(ctx, dir, true, &gogit.CloneOptions{URL: rawURL, Mirror: true, Tags: gogit.AllTags})
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("cloning %s: %s", name, scrub(err.Error(), rawURL, name))
	}
	return nil
}

func mirrorGit(ctx context.Context, bin, rawURL, name, dir string) error {
	cmd := exec.CommandContext(ctx, bin, "clone", "--mirror", "--quiet", "--", rawURL, dir)
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "LC_ALL=C")
	cmd.WaitDelay = 5 * time.Second // a child git leaves holding stderr does not hold us
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return fmt.Errorf("cloning %s: %s", name, scrub(msg, rawURL, name))
	}
	return nil
}

// scrub replaces the raw URL and its user information in a message by the
// redacted name.
func scrub(msg, rawURL, name string) string {
	msg = strings.ReplaceAll(msg, rawURL, name)
	if u, err := url.Parse(rawURL); err == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok && pw != "" {
			msg = strings.ReplaceAll(msg, pw, "********")
		}
		if un := u.User.Username(); len(un) >= 8 {
			msg = strings.ReplaceAll(msg, un, "********")
		}
	}
	return msg
}

// ErrRemoteStaged is returned for --staged on a remote: it has no index.
var ErrRemoteStaged = errors.New("a remote repository has no index: --staged needs a local working tree")

// RemoteDir makes the temporary directory a remote is mirrored into.
// Remove it with os.RemoveAll when the scan is done.
func RemoteDir() (parent, repo string, err error) {
	parent, err = os.MkdirTemp("", "tokenscope-remote-*")
	if err != nil {
		return "", "", err
	}
	return parent, filepath.Join(parent, "mirror.git"), nil
}
