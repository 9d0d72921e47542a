// Package sourcetest is the conformance harness every scanner.Source runs
// in its own tests (as go-containerregistry's validate is for images):
//
//	func TestConformance(t *testing.T) {
//		sourcetest.Check(t, func(t *testing.T) scanner.Source { return mySource(...) })
//	}
//
// newSource must return a fresh source over the same fixture each call;
// the fixture should yield at least two items.
package sourcetest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/tokenscope/tokenscope/scanner"
)

// An Option relaxes a check, for a stated reason.
type Option func(*options)

type options struct{ unordered, oneItem bool }

// Unordered accepts a source whose items come in a different order from
// one Walk to the next (they are emitted as concurrent reads finish: image
// layers), as long as each Walk yields the same items; the engine's sorted
// result is deterministic either way.
func Unordered() Option { return func(o *options) { o.unordered = true } }

// OneItem accepts a source that yields a single item (standard input):
// the fixture needs one item, and cancellation is checked with a context
// cancelled before the Walk, which must then yield nothing.
func OneItem() Option { return func(o *options) { o.oneItem = true } }

// walked is what one Walk yielded.
type walked struct {
	items []scanner.Item
	skips []scanner.Skipped
	err   error
}

// walk collects what src yields. A source may call emit and skip from
// several goroutines at once (the image source reads layers
// concurrently), as the engine allows, so the collector locks.
func walk(ctx context.Context, src scanner.Source, emit func(scanner.Item) error) walked {
	var w walked
	var mu sync.Mutex
	w.err = src.Walk(ctx, func(it scanner.Item) error {
		mu.Lock()
		defer mu.Unlock()
		w.items = append(w.items, it)
		if emit != nil {
			return emit(it)
		}
		return nil
	}, func(s scanner.Skipped) { mu.Lock(); w.skips = append(w.skips, s); mu.Unlock() })
	return w
}

func describe(o scanner.Origin) string {
	return fmt.Sprintf("%s %s %s %s %s %v", o.Kind, o.Via, o.Path, o.Commit, o.Blob, o.Chain)
}

// Check runs every conformance check on the sources newSource returns:
//
//   - Walk over the fixture returns nil; it yields at least two items;
//   - every item has a Kind, a Path (or a Chain: an image layer) in
//     forward slashes, and an Open;
//   - Open is lazy and called at most once, by the caller: every item can
//     still be opened (once) and read after Walk has returned, and a Size
//     that is known is the length read;
//   - every skip has a typed Kind and says where (a Path or an Origin;
//     a note about the source as a whole, SkipSource, may have neither);
//   - the order is deterministic: a second Walk yields the same items and
//     skips in the same order (the same items in any order with
//     Unordered);
//   - an error emit returns ends the Walk and is returned (errors.Is), and
//     emit is not called again;
//   - a context cancelled during the Walk ends it with the context's error.
func Check(t *testing.T, newSource func(t *testing.T) scanner.Source, opts ...Option) {
	t.Helper()
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	t.Run("walk", func(t *testing.T) {
		src := newSource(t)
		if src.Name() == "" {
			t.Error("Name() is empty")
		}
		w := walk(context.Background(), src, nil)
		if w.err != nil {
			t.Fatalf("Walk: %v", w.err)
		}
		if min := map[bool]int{false: 2, true: 1}[o.oneItem]; len(w.items) < min {
			t.Fatalf("the fixture yields %d items; the harness needs at least %d", len(w.items), min)
		}
		for _, it := range w.items {
			o := it.Origin
			if o.Kind == "" {
				t.Errorf("item %q has no Kind", o.Path)
			}
			if o.Path == "" && len(o.Chain) == 0 {
				t.Errorf("item of kind %s says neither a Path nor a Chain", o.Kind)
			}
			if strings.Contains(o.Path, "\\") {
				t.Errorf("item path %q: want forward slashes", o.Path)
			}
			for _, c := range o.Chain {
				if strings.Contains(c, "\\") {
					t.Errorf("item %q: chain element %q has a backslash", o.Path, c)
				}
			}
			if it.Open == nil {
				t.Errorf("item %q has no Open", o.Path)
			}
		}
		// opened after Walk returned, once each
		for _, it := range w.items {
			if it.Open == nil {
				continue
			}
			rc, err := it.Open()
			if err != nil {
				t.Errorf("%s: Open after Walk: %v", describe(it.Origin), err)
				continue
			}
			n, err := io.Copy(io.Discard, rc)
			if err != nil {
				t.Errorf("%s: read: %v", describe(it.Origin), err)
			}
			if err := rc.Close(); err != nil {
				t.Errorf("%s: Close: %v", describe(it.Origin), err)
			}
			if it.Size >= 0 && n != it.Size {
				t.Errorf("%s: Size %d, read %d bytes", describe(it.Origin), it.Size, n)
			}
		}
		for _, s := range w.skips {
			if s.Kind == "" {
				t.Errorf("skip %q (%s) has no Kind", s.Path, s.Reason)
			}
			if s.Path == "" && s.Origin == nil && s.Kind != scanner.SkipSource {
				t.Errorf("skip %q has neither a Path nor an Origin", s.Reason)
			}
		}
	})
	t.Run("deterministic", func(t *testing.T) {
		a := walk(context.Background(), newSource(t), nil)
		b := walk(context.Background(), newSource(t), nil)
		if a.err != nil || b.err != nil {
			t.Fatalf("Walk: %v, %v", a.err, b.err)
		}
		if len(a.items) != len(b.items) || len(a.skips) != len(b.skips) {
			t.Fatalf("two walks: %d/%d items, %d/%d skips", len(a.items), len(b.items), len(a.skips), len(b.skips))
		}
		xs, ys := make([]string, len(a.items)), make([]string, len(b.items))
		for i := range a.items {
			xs[i], ys[i] = describe(a.items[i].Origin), describe(b.items[i].Origin)
		}
		if o.unordered {
			sort.Strings(xs)
			sort.Strings(ys)
		}
		for i := range xs {
			if xs[i] != ys[i] {
				t.Errorf("item %d: %s, then %s", i, xs[i], ys[i])
			}
		}
		for i := range a.skips {
			if a.skips[i].Path != b.skips[i].Path || a.skips[i].Reason != b.skips[i].Reason {
				t.Errorf("skip %d: %q, then %q", i, a.skips[i].Path, b.skips[i].Path)
			}
		}
	})
	t.Run("emit-error", func(t *testing.T) {
		stop := errors.New("sourcetest: stop")
		calls := 0
		w := walk(context.Background(), newSource(t), func(scanner.Item) error {
			calls++
			return stop
		})
		if !errors.Is(w.err, stop) {
			t.Errorf("Walk returned %v, want emit's error", w.err)
		}
		// A concurrent source may have other calls under way when the
		// first error comes back; a sequential one stops at once.
		if calls != 1 && !(o.unordered && calls > 1) {
			t.Errorf("emit called %d times after returning an error, want once", calls)
		}
	})
	t.Run("cancel", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		if o.oneItem {
			cancel()
			w := walk(ctx, newSource(t), nil)
			if !errors.Is(w.err, context.Canceled) || len(w.items) > 0 {
				t.Errorf("Walk with a cancelled context: %v, %d items; want context.Canceled and none", w.err, len(w.items))
			}
			return
		}
		total := len(walk(context.Background(), newSource(t), nil).items)
		w := walk(ctx, newSource(t), func(scanner.Item) error {
			cancel()
			return nil
		})
		if !errors.Is(w.err, context.Canceled) {
			t.Errorf("Walk with a cancelled context returned %v, want context.Canceled", w.err)
		}
		if len(w.items) >= total {
			t.Errorf("Walk emitted all %d items after the cancellation", total)
		}
	})
}
