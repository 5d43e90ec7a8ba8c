package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// ProgressMode chooses how a [Progress] draws.
type ProgressMode int

const (
	// ProgressAuto draws live when the writer is a terminal, plain otherwise.
	ProgressAuto ProgressMode = iota
	// ProgressLive redraws one line in place with a carriage return.
	ProgressLive
	// ProgressPlain writes whole lines, at most one per interval: for
	// files, pipes and CI logs, which must not fill with redraws.
	ProgressPlain
)

// ProgressOptions configure a [Progress]. The zero value is valid.
type ProgressOptions struct {
	// Total is the number of items, or 0 when it is not known.
	Total int
	// Mode defaults to [ProgressAuto].
	Mode ProgressMode
	// Interval is the least time between two plain lines (default 5 s).
	// Live redraws happen at most every 100 ms.
	Interval time.Duration
	// Now is the clock (default time.Now), for tests.
	Now func() time.Time
}

// Progress shows the advance of a long job on a writer (normally stderr).
// Safe for concurrent use by multiple goroutines.
type Progress struct {
	w        io.Writer
	label    string
	total    int
	live     bool
	interval time.Duration
	now      func() time.Time

	mu          sync.Mutex
	n           int
	start, last time.Time
	done        bool
}

// NewProgress starts reporting the job called label on w. opts may be nil.
func NewProgress(w io.Writer, label string, opts *ProgressOptions) *Progress {
	var o ProgressOptions
	if opts != nil {
		o = *opts
	}
	p := &Progress{w: w, label: label, total: o.Total, interval: o.Interval, now: o.Now}
	if p.now == nil {
		p.now = time.Now
	}
	switch o.Mode {
	case ProgressLive:
		p.live = true
	case ProgressAuto:
		p.live = IsTerminal(w)
	}
	if p.interval <= 0 {
		p.interval = 5 * time.Second
	}
	if p.live {
		p.interval = 100 * time.Millisecond
	}
	p.start = p.now()
	p.last = p.start
	return p
}

// Add records n more items done and redraws when it is time to.
func (p *Progress) Add(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return
	}
	p.n += n
	if t := p.now(); t.Sub(p.last) >= p.interval {
		p.last = t
		p.draw(t, false)
	}
}

// Done writes the final state (count and total time) and ends the line.
// Calls after the first do nothing.
func (p *Progress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return
	}
	p.done = true
	p.draw(p.now(), true)
}

func (p *Progress) draw(t time.Time, final bool) {
	elapsed := t.Sub(p.start).Round(time.Second)
	if final && elapsed == 0 {
		elapsed = t.Sub(p.start).Round(time.Millisecond)
	}
	count := fmt.Sprint(p.n)
	if p.total > 0 {
		count = fmt.Sprintf("%d/%d (%d%%)", p.n, p.total, 100*p.n/p.total)
	}
	if p.live {
		bar := ""
		if p.total > 0 {
			const width = 30
			k := min(width, width*p.n/p.total)
			bar = "[" + strings.Repeat("#", k) + strings.Repeat(".", width-k) + "] "
		}
		end := ""
		if final {
			end = "\n"
		}
		fmt.Fprintf(p.w, "\r%s %s%s  %s\x1b[K%s", p.label, bar, count, elapsed, end)
		return
	}
	if final {
		fmt.Fprintf(p.w, "%s: %s, done in %s\n", p.label, count, elapsed)
		return
	}
	fmt.Fprintf(p.w, "%s: %s, %s elapsed\n", p.label, count, elapsed)
}

// IsTerminal reports whether w is a terminal (a character device that is
// not /dev/null) and TERM is not "dumb".
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("TERM") == "dumb" {
		return false
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	if null, err := os.Stat(os.DevNull); err == nil && os.SameFile(fi, null) {
		return false
	}
	return true
}
