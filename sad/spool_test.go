package sad

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type spoolDirs struct{ up, down, state string }

func newSpoolDirs(t *testing.T) spoolDirs {
	root := t.TempDir()
	d := spoolDirs{filepath.Join(root, "upload"), filepath.Join(root, "download"), filepath.Join(root, "state")}
	require.NoError(t, os.MkdirAll(d.up, 0o755))
	require.NoError(t, os.MkdirAll(d.down, 0o755))
	return d
}

// upload writes a request the way the workstation does: .tmp, then rename.
func upload(t testing.TB, dir string, req *Request) {
	b, err := Codec{}.marshalRequest(req)
	require.NoError(t, err)
	uploadRaw(t, dir, req.ID, b)
}

func uploadRaw(t testing.TB, dir, id string, b []byte) {
	tmp := filepath.Join(dir, id+".tmp")
	require.NoError(t, os.WriteFile(tmp, b, 0o644))
	require.NoError(t, os.Rename(tmp, filepath.Join(dir, id+".xml")))
}

// consume reads and deletes every response in dir, as workstations do.
func consume(t testing.TB, dir string) map[string]*Response {
	out := make(map[string]*Response)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), ".xml")
		if !ok {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		resp, err := Codec{}.unmarshalResponse(b)
		require.NoError(t, err, "response %s", id)
		require.Equal(t, id, resp.ID)
		require.NoError(t, os.Remove(filepath.Join(dir, e.Name())))
		out[id] = resp
	}
	return out
}

func issueFor(i int) *Request {
	r := issueNotice()
	r.ID = fmt.Sprintf("REQ_%06d", i)
	r.Card.Number = fmt.Sprintf("CA%05dAA", i%100000)
	return r
}

func lookupFor(i int) *Request {
	r := lookupByCF()
	r.ID = fmt.Sprintf("REQ_%06d", i)
	return r
}

func mixedRequest(i int) *Request {
	if i%2 == 0 {
		return lookupFor(i)
	}
	return issueFor(i)
}

func TestSpoolBasic(t *testing.T) {
	t.Parallel()
	d := newSpoolDirs(t)
	reg := sampleRegistry()
	s := &Spool{Server: &Server{Registry: reg, Now: fixtureTime}, UploadDir: d.up, DownloadDir: d.down, StateDir: d.state}
	upload(t, d.up, lookupFor(1))
	upload(t, d.up, issueFor(2))
	uploadRaw(t, d.up, "GARBAGE_1", []byte("<RichiestaSAD>"))
	uploadRaw(t, d.up, "bad name", []byte("x"))
	require.NoError(t, os.WriteFile(filepath.Join(d.up, "REQ_9.tmp"), []byte("<half"), 0o644))

	n, err := s.ProcessPending(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	got := consume(t, d.down)
	require.Len(t, got, 3)
	assert.Equal(t, CodeOK, got["REQ_000001"].Outcome.Code)
	assert.Equal(t, CodeOK, got["REQ_000002"].Outcome.Code)
	assert.Equal(t, CodeInvalidRequest, got["GARBAGE_1"].Outcome.Code)
	assert.FileExists(t, filepath.Join(d.up, "REQ_9.tmp"), "uploads in progress are left alone")
	rejected, _ := os.ReadDir(filepath.Join(d.state, "rejected"))
	assert.Len(t, rejected, 1, "the file with an invalid name is set aside")

	// The same request again (a workstation retrying under the same ID)
	// gets the same answer; another document under a used ID is a
	// duplicate: set aside, not answered.
	upload(t, d.up, lookupFor(1))
	n, err = s.ProcessPending(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 0, n, "nothing new was answered")
	again := consume(t, d.down)
	require.Len(t, again, 1)
	assert.Equal(t, got["REQ_000001"], again["REQ_000001"], "the repeat gets the first answer")
	other := lookupFor(1)
	other.Query.CodiceFiscale = "VRDGPP70M10F205O"
	upload(t, d.up, other)
	n, err = s.ProcessPending(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 0, n)
	assert.Empty(t, consume(t, d.down))
	rejected, _ = os.ReadDir(filepath.Join(d.state, "rejected"))
	assert.Len(t, rejected, 2)
}

var errCrash = errors.New("simulated crash")

// TestSpoolCrashResume crashes the spool after each step of one request
// (and stops every other worker at its next step, as a dying process
// would), consumes what was published, restarts on the same directories,
// and checks every request is answered exactly once.
func TestSpoolCrashResume(t *testing.T) {
	t.Parallel()
	const n = 20
	for _, step := range []string{stepClaimed, stepAnswered, stepArchived, stepPublished} {
		t.Run(step, func(t *testing.T) {
			t.Parallel()
			d := newSpoolDirs(t)
			reg := sampleRegistry()
			for i := range n {
				upload(t, d.up, mixedRequest(i))
			}
			var mu sync.Mutex
			crashed := false
			first := &Spool{Server: &Server{Registry: reg}, UploadDir: d.up, DownloadDir: d.down, StateDir: d.state, Workers: 3,
				hook: func(st, id string) error {
					mu.Lock()
					defer mu.Unlock()
					if crashed || (st == step && id == "REQ_000007") {
						crashed = true
						return errCrash
					}
					return nil
				}}
			_, err := first.ProcessPending(t.Context())
			require.ErrorIs(t, err, errCrash)
			seen := consume(t, d.down)

			second := &Spool{Server: &Server{Registry: reg}, UploadDir: d.up, DownloadDir: d.down, StateDir: d.state}
			_, err = second.ProcessPending(t.Context())
			require.NoError(t, err)
			for id, r := range consume(t, d.down) {
				_, dup := seen[id]
				require.False(t, dup, "%s answered twice", id)
				seen[id] = r
			}
			require.Len(t, seen, n, "every request answered")
			for id, r := range seen {
				assert.Equal(t, CodeOK, r.Outcome.Code, id)
			}
			assertSpoolEmpty(t, d)
			for i := 1; i < n; i += 2 {
				rec, ok := reg.Card(fmt.Sprintf("CA%05dAA", i))
				require.True(t, ok)
				assert.LessOrEqual(t, rec.Notices, 2, "at-least-once towards the registry, bounded")
			}
		})
	}
}

func assertSpoolEmpty(t *testing.T, d spoolDirs) {
	t.Helper()
	for _, dir := range []string{d.up, filepath.Join(d.state, "work"), d.down} {
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		assert.Empty(t, entries, "%s left with files", dir)
	}
}

// TestSpoolKilled kills a real process mid-way: the test binary re-runs
// itself as a spool that exits at the Nth step, with fsync on.
func TestSpoolKilled(t *testing.T) {
	if os.Getenv("SAD_SPOOL_CHILD") != "" {
		spoolChild()
		return
	}
	t.Parallel()
	exe, err := os.Executable()
	require.NoError(t, err)
	const n = 30
	for _, step := range []string{stepClaimed, stepAnswered, stepArchived, stepPublished} {
		t.Run(step, func(t *testing.T) {
			t.Parallel()
			d := newSpoolDirs(t)
			for i := range n {
				upload(t, d.up, mixedRequest(i))
			}
			cmd := exec.CommandContext(t.Context(), exe, "-test.run=^TestSpoolKilled$")
			cmd.Env = append(os.Environ(), "SAD_SPOOL_CHILD=1", "SAD_SPOOL_STEP="+step, "SAD_SPOOL_AT=11",
				"SAD_SPOOL_UP="+d.up, "SAD_SPOOL_DOWN="+d.down, "SAD_SPOOL_STATE="+d.state)
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			require.ErrorAs(t, err, &ee, "child output: %s", out)
			require.Equal(t, 3, ee.ExitCode(), "child output: %s", out)
			seen := consume(t, d.down)
			require.Less(t, len(seen), n, "the child died before the end")

			reg := sampleRegistry()
			s := &Spool{Server: &Server{Registry: reg}, UploadDir: d.up, DownloadDir: d.down, StateDir: d.state}
			_, err = s.ProcessPending(t.Context())
			require.NoError(t, err)
			for id, r := range consume(t, d.down) {
				_, dup := seen[id]
				require.False(t, dup, "%s answered twice", id)
				seen[id] = r
			}
			require.Len(t, seen, n)
			assertSpoolEmpty(t, d)
		})
	}
}

// spoolChild runs in the child process and exits with status 3 at the
// SAD_SPOOL_AT-th occurrence of SAD_SPOOL_STEP.
func spoolChild() {
	at, _ := strconv.Atoi(os.Getenv("SAD_SPOOL_AT"))
	var mu sync.Mutex
	count := 0
	s := &Spool{Server: &Server{Registry: sampleRegistry()}, UploadDir: os.Getenv("SAD_SPOOL_UP"),
		DownloadDir: os.Getenv("SAD_SPOOL_DOWN"), StateDir: os.Getenv("SAD_SPOOL_STATE"), Workers: 2,
		hook: func(step, id string) error {
			mu.Lock()
			defer mu.Unlock()
			if step == os.Getenv("SAD_SPOOL_STEP") {
				count++
				if count == at {
					os.Exit(3)
				}
			}
			return nil
		}}
	s.ProcessPending(t0())
	os.Exit(0)
}

// TestSpoolLoad pushes 10,000 requests through a running spool while a
// consumer takes the answers, and checks each is answered exactly once.
// Durability is the crash tests' subject, so fsync is off here unless
// SAD_LOAD_FSYNC=1.
func TestSpoolLoad(t *testing.T) {
	t.Parallel()
	n := 10000
	if testing.Short() {
		n = 1000
	}
	d := newSpoolDirs(t)
	reg := sampleRegistry()
	s := &Spool{Server: &Server{Registry: reg}, UploadDir: d.up, DownloadDir: d.down, StateDir: d.state,
		PollInterval: 5 * time.Millisecond, Workers: 4, NoSync: os.Getenv("SAD_LOAD_FSYNC") == ""}
	ctx, cancel := contextWithTimeout(t, 4*time.Minute)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()

	go func() { // the workstations (no require here: not the test goroutine)
		for i := range n {
			if ctx.Err() != nil {
				return
			}
			req := mixedRequest(i)
			b, err := Codec{}.marshalRequest(req)
			if err == nil {
				tmp := filepath.Join(d.up, req.ID+".tmp")
				if err = os.WriteFile(tmp, b, 0o644); err == nil {
					err = os.Rename(tmp, filepath.Join(d.up, req.ID+".xml"))
				}
			}
			if err != nil {
				t.Errorf("uploading %s: %v", req.ID, err)
				return
			}
		}
	}()
	seen := make(map[string]bool, n)
	for len(seen) < n && ctx.Err() == nil {
		for id, r := range consume(t, d.down) {
			require.False(t, seen[id], "%s answered twice", id)
			require.Equal(t, CodeOK, r.Outcome.Code, id)
			seen[id] = true
		}
		time.Sleep(5 * time.Millisecond)
	}
	require.Len(t, seen, n, "answered before the deadline")
	time.Sleep(50 * time.Millisecond) // a few more passes: nothing more may appear
	assert.Empty(t, consume(t, d.down), "answers after the last one")
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
	assertSpoolEmpty(t, d)
	done2, _ := filepath.Glob(filepath.Join(d.state, "done", "*.xml"))
	assert.Len(t, done2, n, "every request archived once")
	resp2, _ := filepath.Glob(filepath.Join(d.state, "done", "*.resp"))
	assert.Len(t, resp2, n, "with its answer")
}

func TestSpoolConfigAndRetention(t *testing.T) {
	t.Parallel()
	d := newSpoolDirs(t)
	_, err := (&Spool{Server: &Server{Registry: sampleRegistry()}, UploadDir: d.up, DownloadDir: d.down}).ProcessPending(t.Context())
	require.ErrorIs(t, err, ErrConfig, "no state directory")
	_, err = (&Spool{UploadDir: d.up, DownloadDir: d.down, StateDir: d.state}).ProcessPending(t.Context())
	require.ErrorIs(t, err, ErrConfig, "no server")

	s := &Spool{Server: &Server{Registry: sampleRegistry()}, UploadDir: d.up, DownloadDir: d.down, StateDir: d.state, Retention: time.Hour}
	upload(t, d.up, lookupFor(1))
	_, err = s.ProcessPending(t.Context())
	require.NoError(t, err)
	old := filepath.Join(d.state, "done", "REQ_000001.xml")
	require.NoError(t, os.Chtimes(old, time.Now().Add(-2*time.Hour), time.Now().Add(-2*time.Hour)))
	stale, fresh := filepath.Join(d.up, "DEAD.tmp"), filepath.Join(d.up, "LIVE.tmp")
	require.NoError(t, os.WriteFile(stale, []byte("<half"), 0o644))
	require.NoError(t, os.WriteFile(fresh, []byte("<half"), 0o644))
	require.NoError(t, os.Chtimes(stale, time.Now().Add(-2*time.Hour), time.Now().Add(-2*time.Hour)))
	s.lastPrune = time.Time{}
	_, err = s.ProcessPending(t.Context())
	require.NoError(t, err)
	assert.NoFileExists(t, old, "pruned after Retention")
	assert.NoFileExists(t, stale, "abandoned upload pruned")
	assert.FileExists(t, fresh, "upload in progress kept")
}

// TestSpoolPrepare: Prepare refuses a spool without its directories and
// creates every directory before Run, so a program can announce the
// spool only once a request can be dropped into it.
func TestSpoolPrepare(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	require.ErrorIs(t, (&Spool{Server: &Server{Registry: sampleRegistry()}, UploadDir: root}).Prepare(), ErrConfig)
	up, down, state := filepath.Join(root, "a", "up"), filepath.Join(root, "b", "down"), filepath.Join(root, "c", "state")
	s := &Spool{Server: &Server{Registry: sampleRegistry()}, UploadDir: up, DownloadDir: down, StateDir: state}
	require.NoError(t, s.Prepare())
	for _, d := range []string{up, down, filepath.Join(state, "work"), filepath.Join(state, "done"), filepath.Join(state, "rejected")} {
		assert.DirExists(t, d)
	}
	require.NoError(t, os.WriteFile(filepath.Join(up, "REQ_1.tmp"), []byte("<"), 0o644), "an upload can start at once")
}
