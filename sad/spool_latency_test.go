package sad

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSpoolFirstAnswerLatency: behind a queue of 2,000 requests (500 under
// -short) the spool publishes its first answer within one poll interval of
// starting, because it answers while it claims (bounded batches) instead of
// claiming the whole backlog first; and every request is answered once.
func TestSpoolFirstAnswerLatency(t *testing.T) {
	queue := 2000
	if testing.Short() {
		queue = 500
	}
	d := newSpoolDirs(t)
	for i := range queue {
		upload(t, d.up, lookupFor(i))
	}
	const poll = 500 * time.Millisecond
	s := &Spool{Server: &Server{Registry: NewMemoryRegistry(SampleSubjects())}, UploadDir: d.up, DownloadDir: d.down,
		StateDir: d.state, PollInterval: poll} // with fsync, as in production: claiming is the slow step
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- s.Run(ctx) }()
	var first time.Duration
	for first == 0 {
		if es, err := os.ReadDir(d.down); err == nil && len(es) > 0 {
			first = time.Since(start)
		}
		if time.Since(start) > 30*time.Second {
			t.Fatal("no answer within 30 s")
		}
		time.Sleep(2 * time.Millisecond)
	}
	var all time.Duration
	for all == 0 {
		if es, err := os.ReadDir(d.down); err == nil && len(es) == queue {
			all = time.Since(start)
		}
		if time.Since(start) > 2*time.Minute {
			t.Fatal("backlog not drained within 2 min")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
	t.Logf("queue %d: first answer after %v, all answered after %v (poll %v)", queue, first, all, poll)
	assert.Less(t, first, poll, "first answer behind a queue of %d", queue)
	got := consume(t, d.down)
	assert.Len(t, got, queue)
}
