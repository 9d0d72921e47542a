package scanner

import (
	"context"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// Shard is one part of a scan split over N processes (scan --shard K/N):
// every item belongs to exactly one shard, by a stable hash of its key (a
// git blob's id, else its kind and path), so N runs with the same inputs
// and K = 1..N between them read every item exactly once.
type Shard struct {
	// Index is 0-based: the shard "K/N" has Index K-1.
	Index int `json:"index"`
	Count int `json:"count"`
}

// ParseShard reads "K/N" with 1 <= K <= N.
func ParseShard(s string) (Shard, error) {
	k, n, ok := strings.Cut(strings.TrimSpace(s), "/")
	ki, err1 := strconv.Atoi(k)
	ni, err2 := strconv.Atoi(n)
	if !ok || err1 != nil || err2 != nil || ni < 1 || ki < 1 || ki > ni {
		return Shard{}, fmt.Errorf("%q is not a shard K/N with 1 <= K <= N (1/4 is the first of four)", s)
	}
	return Shard{Index: ki - 1, Count: ni}, nil
}

// String is "K/N".
func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index+1, s.Count) }

// Active tells whether the scan is split at all.
func (s Shard) Active() bool { return s.Count > 1 }

// Owns tells whether the item of this key belongs to the shard.
func (s Shard) Owns(key string) bool {
	if s.Count <= 1 {
		return true
	}
	h := fnv.New64a()
	h.Write([]byte(key))
	return h.Sum64()%uint64(s.Count) == uint64(s.Index)
}

// ItemKey is what decides an item's shard: the blob id for git content
// (one blob in many commits and paths is scanned once, by one shard),
// else the origin's kind, chain and path.
func ItemKey(o Origin) string {
	if o.Blob != "" {
		return "blob:" + o.Blob
	}
	return string(o.Kind) + ":" + strings.Join(append(append([]string(nil), o.Chain...), o.Path), "\x00")
}

// Sharded wraps src so that it yields only the items (and the skipped
// entries) of shard sh. A Finisher source stays one.
func Sharded(src Source, sh Shard) Source {
	if !sh.Active() {
		return src
	}
	s := &sharded{inner: src, sh: sh}
	if f, ok := src.(Finisher); ok {
		return &shardedFinisher{sharded: s, f: f}
	}
	return s
}

type sharded struct {
	inner Source
	sh    Shard
}

func (s *sharded) Name() string { return s.inner.Name() }

func (s *sharded) Walk(ctx context.Context, emit func(Item) error, skip func(Skipped)) error {
	return s.inner.Walk(ctx, func(it Item) error {
		if !s.sh.Owns(ItemKey(it.Origin)) {
			return nil
		}
		return emit(it)
	}, func(sk Skipped) {
		key := "skip:" + sk.Path
		if sk.Origin != nil {
			key = ItemKey(*sk.Origin)
		}
		if s.sh.Owns(key) {
			skip(sk)
		}
	})
}

type shardedFinisher struct {
	*sharded
	f Finisher
}

func (s *shardedFinisher) Finish(ctx context.Context, res *Result) error { return s.f.Finish(ctx, res) }
