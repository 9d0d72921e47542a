package scanner

import (
	"path"
	"strings"
)

// maxPending bounds the items the scheduler holds between the sources and
// the workers (an Item is its origin and an opener: a few hundred bytes).
const maxPending = 16384

// schedule passes items from in to the channel it returns, heavy items
// first: an item whose name says it is compressed (one small file that
// expands a hundredfold: Go's tree holds a 428 kB .bz2 of 25 MB of text)
// or that is large is started as soon as it is seen, not when the walk
// reaches it, so that it does not run alone at the end while the other
// workers idle. Other items keep their order. The returned channel is
// closed once in is closed and every item has been passed on.
func schedule(in <-chan Item) <-chan Item {
	out := make(chan Item)
	go func() {
		defer close(out)
		var heavy, light []Item
		for in != nil || len(heavy)+len(light) > 0 {
			var send chan Item
			var next Item
			switch {
			case len(heavy) > 0:
				send, next = out, heavy[0]
			case len(light) > 0:
				send, next = out, light[0]
			}
			recv := in
			if len(heavy)+len(light) >= maxPending {
				recv = nil
			}
			select {
			case it, ok := <-recv:
				if !ok {
					in = nil
					continue
				}
				if isHeavy(it) {
					heavy = append(heavy, it)
				} else {
					light = append(light, it)
				}
			case send <- next:
				if len(heavy) > 0 {
					heavy[0] = Item{}
					heavy = heavy[1:]
				} else {
					light[0] = Item{}
					light = light[1:]
				}
			}
		}
	}()
	return out
}

// heavySize is the size from which an item is started first whatever its
// name.
const heavySize = 8 << 20

// isHeavy reports whether an item is likely to take much longer than its
// size suggests (a compressed stream or archive) or is large.
func isHeavy(it Item) bool {
	if it.Size >= heavySize {
		return true
	}
	if it.Size >= 0 && it.Size < 512 {
		return false
	}
	switch strings.ToLower(path.Ext(it.Origin.Path)) {
	case ".gz", ".tgz", ".bz2", ".tbz2", ".tbz", ".xz", ".txz", ".zst", ".tzst", ".zip", ".jar", ".war", ".ear",
		".apk", ".whl", ".nupkg", ".vsix", ".xpi", ".egg", ".tar":
		return true
	}
	return false
}
