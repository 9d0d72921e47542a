package main

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tokenscope/tokenscope/reporters"
)

// progress draws a live line on a terminal's stderr for scans that take
// longer than a moment; it does nothing when stderr is not a terminal.
type progress struct {
	s       *Streams
	on      bool
	items   atomic.Int64
	bytes   atomic.Int64
	begin   time.Time
	done    chan struct{}
	wg      sync.WaitGroup
	printed bool
}

func newProgress(s *Streams, on bool) *progress { return &progress{s: s, on: on} }

func (p *progress) update(items, bytes int64) {
	p.items.Store(items)
	p.bytes.Store(bytes)
}

func (p *progress) start() {
	if !p.on {
		return
	}
	p.begin = time.Now()
	p.done = make(chan struct{})
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		delay := time.NewTimer(700 * time.Millisecond)
		defer delay.Stop()
		select {
		case <-p.done:
			return
		case <-delay.C:
		}
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			p.draw()
			select {
			case <-p.done:
				return
			case <-tick.C:
			}
		}
	}()
}

func (p *progress) draw() {
	el := time.Since(p.begin).Seconds()
	b := p.bytes.Load()
	rate := 0.0
	if el > 0 {
		rate = float64(b) / el / 1e6
	}
	fmt.Fprintf(p.s.Err, "\r\x1b[Kscanning: %d files, %s, %.0f MB/s", p.items.Load(), reporters.HumanBytes(b), rate)
	p.printed = true
}

func (p *progress) stop() {
	if !p.on {
		return
	}
	close(p.done)
	p.wg.Wait()
	if p.printed {
		fmt.Fprint(p.s.Err, "\r\x1b[K")
	}
}
