package sad

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Spool is the APR side of the ftp transport. The workstation uploads each
// request as <IdRichiesta>.tmp into the upload directory and renames it to
// <IdRichiesta>.xml; the Spool answers it with <IdRichiesta>.xml in the
// download directory, written under another name and renamed, so that no
// half file is ever read on either side.
//
// # Crash safety
//
// Every step is a rename inside one filesystem, so the state of a request
// is always exactly one of:
//
//	upload/ID.xml                      pending
//	state/work/ID.xml                  claimed, not answered
//	state/work/ID.resp (+ work/ID.xml) answered: the response is on disk
//	state/done/ID.xml + work/ID.resp   archived, not published
//	state/done/ID.xml + download/ID.xml published (the workstation deletes it)
//
// On start and on every pass the Spool finishes what it finds in the work
// directory before claiming anything new, so a process that dies at any
// point resumes without losing a request, and never publishes an answer
// twice: the response is computed once (written to work/ID.resp before it
// is published) and published by the rename that removes it. Towards the
// [Registry] delivery is at-least-once: a crash between the registry call
// and the write of work/ID.resp repeats the call on restart.
//
// A request uploaded again byte for byte (a workstation that retries with
// the same IdRichiesta) gets the archived answer published again, as long
// as the request is kept (Retention); a different document under an
// IdRichiesta already answered is a duplicate: it is moved to
// state/rejected and not answered.
//
// The state directory must be on the same filesystem as the download
// directory (renames across filesystems are not atomic); a cross-device
// rename fails with an error wrapping [ErrConfig].
//
// A request that cannot be decoded is answered with outcome 03
// (CodeInvalidRequest) under its file name; a file whose name is not a
// valid IdRichiesta is moved to state/rejected without an answer.
//
// Set the fields before Run. Only one Spool (one process) may use a state
// directory at a time; its workers share the work safely.
type Spool struct {
	// Server answers the requests. Required.
	Server *Server
	// UploadDir is where requests arrive. Required.
	UploadDir string
	// DownloadDir is where responses are published. Required.
	DownloadDir string
	// StateDir holds the work, done and rejected subdirectories. Required.
	// It holds the requests (personal data): keep it outside the
	// directories the FTP daemon serves, on the same filesystem as
	// DownloadDir.
	StateDir string
	// Retention is how long answered requests stay in state/done, where they
	// serve to detect duplicate IDs; older ones are deleted, and so are
	// abandoned .tmp uploads as old. Zero keeps everything until the
	// vendor's own retention policy removes it.
	Retention time.Duration
	// PollInterval is the time between scans of UploadDir. Default 500ms.
	PollInterval time.Duration
	// Workers is the number of requests answered concurrently. Default 4.
	Workers int
	// Batch bounds the requests claimed ahead of the workers: a pass
	// claims and answers at the same time, so behind a backlog of any size
	// the first answers are published after at most Batch claims. Default
	// 32.
	Batch int
	// NoSync skips the fsync calls that make each step durable before the
	// next. Only for tests on throwaway directories.
	NoSync bool

	// hook, when set by tests, runs after each step; an error aborts
	// processing there, as a crash would.
	hook func(step, id string) error

	lastPrune time.Time // used only by the goroutine running passes
}

// Spool steps, in order, for the crash tests.
const (
	stepClaimed   = "claimed"
	stepAnswered  = "answered"
	stepArchived  = "archived"
	stepPublished = "published"
)

func (s *Spool) dirs() (work, done, rejected string) {
	st := s.StateDir
	return filepath.Join(st, "work"), filepath.Join(st, "done"), filepath.Join(st, "rejected")
}

// Prepare checks the configuration and creates the upload, download and
// state directories. Run calls it; a program calls it first when it
// announces the spool, so that nobody is told to drop requests into a
// directory that does not exist yet. Errors wrap ErrConfig or the
// filesystem's.
func (s *Spool) Prepare() error {
	if s.Server == nil || s.Server.Registry == nil {
		return fmt.Errorf("%w: spool without a server and registry", ErrConfig)
	}
	if s.UploadDir == "" || s.DownloadDir == "" || s.StateDir == "" {
		return fmt.Errorf("%w: spool needs the upload, download and state directories", ErrConfig)
	}
	if err := s.Server.Codec.dialect().Validate(); err != nil {
		return err
	}
	work, done, rejected := s.dirs()
	for _, d := range []string{s.UploadDir, s.DownloadDir, work, done, rejected} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("preparing spool: %w", err)
		}
	}
	return nil
}

// Run answers requests until ctx is done, scanning UploadDir every
// PollInterval, and returns ctx.Err(). It returns earlier only for a
// configuration error or a filesystem error that it cannot work around.
func (s *Spool) Run(ctx context.Context) error {
	if err := s.Prepare(); err != nil {
		return err
	}
	every := s.PollInterval
	if every <= 0 {
		every = 500 * time.Millisecond
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.pass(ctx); err != nil && ctx.Err() == nil {
			if errors.Is(err, ErrConfig) {
				return err
			}
			s.Server.logger().Debug("sad: spool pass", "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// ProcessPending makes one pass: it finishes the requests a previous run
// left half-way, then answers every request waiting in UploadDir. It
// returns the number of responses published. Errors wrap the filesystem's
// (*fs.PathError, *os.LinkError), ErrConfig, or ctx.Err().
func (s *Spool) ProcessPending(ctx context.Context) (int, error) {
	if err := s.Prepare(); err != nil {
		return 0, err
	}
	return s.pass(ctx)
}

func (s *Spool) pass(ctx context.Context) (int, error) {
	work, _, _ := s.dirs()
	// 1. Resume: work/ID.resp first (answered), then work/ID.xml (claimed).
	entries, err := os.ReadDir(work)
	if err != nil {
		return 0, err
	}
	var answered, claimed []string
	resp := make(map[string]bool)
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasSuffix(name, ".resp"):
			id := strings.TrimSuffix(name, ".resp")
			resp[id] = true
			answered = append(answered, id)
		case strings.HasSuffix(name, ".resp.tmp"):
			os.Remove(filepath.Join(work, name)) // an answer never completed
		}
	}
	for _, e := range entries {
		if id, ok := strings.CutSuffix(e.Name(), ".xml"); ok && !resp[id] {
			claimed = append(claimed, id)
		}
	}
	n := 0
	var errs []error
	for _, id := range answered {
		if err := s.finish(id); err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	if s.Retention > 0 && time.Since(s.lastPrune) > time.Minute {
		s.lastPrune = time.Now()
		s.prune()
	}
	// 2. Answer while claiming: workers take claimed requests from a
	// bounded queue while this goroutine claims the next ones, so the first
	// answers leave after one claim, not after the whole backlog, and at
	// most Batch requests sit claimed but unanswered.
	ups, err := os.ReadDir(s.UploadDir)
	if err != nil {
		return n, errors.Join(append(errs, err)...)
	}
	workers := s.Workers
	if workers <= 0 {
		workers = 4
	}
	batch := s.Batch
	if batch <= 0 {
		batch = 32
	}
	ch := make(chan string, batch)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for id := range ch {
				err := s.process(ctx, id)
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				} else {
					n++
				}
				mu.Unlock()
			}
		})
	}
	send := func(id string) bool {
		select {
		case ch <- id:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for _, id := range claimed {
		if !send(id) {
			break
		}
	}
	for _, e := range ups {
		if ctx.Err() != nil {
			break
		}
		id, ok := strings.CutSuffix(e.Name(), ".xml")
		if !ok || e.IsDir() {
			continue // .tmp uploads in progress and anything else
		}
		claimedOK, err := s.claim(id)
		if err != nil {
			mu.Lock()
			errs = append(errs, err)
			mu.Unlock()
			continue
		}
		if claimedOK && !send(id) {
			break // claimed but not answered: the next pass resumes it
		}
	}
	close(ch)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		errs = append(errs, err)
	}
	return n, errors.Join(errs...)
}

// claim moves upload/ID.xml into the work directory. It returns false when
// another process won the rename, or when the file was set aside as a
// duplicate or an invalid name.
func (s *Spool) claim(id string) (bool, error) {
	work, done, rejected := s.dirs()
	src := filepath.Join(s.UploadDir, id+".xml")
	if checkRequestID(id) == nil && s.repeat(id) {
		return false, nil
	}
	if checkRequestID(id) != nil || exists(filepath.Join(work, id+".xml")) || exists(filepath.Join(work, id+".resp")) || exists(filepath.Join(done, id+".xml")) {
		dst := filepath.Join(rejected, fmt.Sprintf("%s.%d.xml", sanitize(id), time.Now().UnixNano()))
		if err := os.Rename(src, dst); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return false, err
		}
		return false, nil
	}
	if err := os.Rename(src, filepath.Join(work, id+".xml")); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil // gone meanwhile (deleted by the workstation)
		}
		return false, crossDevice(err)
	}
	if err := s.syncDir(work); err != nil {
		return false, err
	}
	if err := s.step(stepClaimed, id); err != nil {
		return false, err
	}
	return true, nil
}

// repeat answers an upload that repeats, byte for byte, a request already
// answered: the archived answer is published again (the workstation
// retried, or lost the first answer), and the upload is removed. It
// reports whether it did so; a different document under a used ID is left
// for claim to set aside.
func (s *Spool) repeat(id string) bool {
	_, done, _ := s.dirs()
	src := filepath.Join(s.UploadDir, id+".xml")
	old, err := os.ReadFile(filepath.Join(done, id+".xml"))
	if err != nil {
		return false
	}
	cur, err := os.ReadFile(src)
	if err != nil || !bytes.Equal(old, cur) {
		return false
	}
	tmp := filepath.Join(s.DownloadDir, id+".xml.tmp")
	os.Remove(tmp)
	if os.Link(filepath.Join(done, id+".resp"), tmp) != nil {
		return false
	}
	if os.Rename(tmp, filepath.Join(s.DownloadDir, id+".xml")) != nil {
		os.Remove(tmp)
		return false
	}
	s.syncDir(s.DownloadDir)
	os.Remove(src)
	s.Server.logger().Info("sad spool request", "id", id, "outcome", "repeat answered again")
	return true
}

// process answers a claimed request.
func (s *Spool) process(ctx context.Context, id string) error {
	start := time.Now()
	work, _, _ := s.dirs()
	codec := s.Server.Codec
	var resp *Response
	f, err := os.Open(filepath.Join(work, id+".xml"))
	if err != nil {
		return err
	}
	req, derr := codec.DecodeRequest(f)
	f.Close()
	switch {
	case derr != nil:
		resp = s.invalid(id, derr)
	case req.ID != id:
		resp = s.invalid(id, fmt.Errorf("%w: IdRichiesta differs from the file name", ErrInvalidValue))
	default:
		resp = s.Server.Answer(ctx, req)
		if err := ctx.Err(); err != nil {
			return err // the answer may reflect the cancellation: redo it on restart
		}
	}
	out, err := codec.marshalResponse(resp)
	if err != nil {
		resp = &Response{ID: id, Op: resp.Op, Time: resp.Time, Outcome: Outcome{Code: CodeInternal, Description: describe(CodeInternal)}}
		if out, err = codec.marshalResponse(resp); err != nil {
			return err
		}
	}
	tmp := filepath.Join(work, id+".resp.tmp")
	if err := s.writeFile(tmp, out); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(work, id+".resp")); err != nil {
		return err
	}
	if err := s.syncDir(work); err != nil {
		return err
	}
	if err := s.step(stepAnswered, id); err != nil {
		return err
	}
	if err := s.finish(id); err != nil {
		return err
	}
	s.Server.logger().LogAttrs(ctx, slog.LevelInfo, "sad spool request", slog.String("id", id),
		slog.String("op", resp.Op.String()), slog.String("outcome", resp.Outcome.Code.String()),
		slog.Duration("duration", time.Since(start)))
	return nil
}

func (s *Spool) invalid(id string, err error) *Response {
	s.Server.logger().Debug("sad: spool rejected request", "id", id, "err", err)
	return &Response{ID: id, Time: s.Server.now(), Outcome: Outcome{Code: CodeInvalidRequest, Description: describeErr(err)}}
}

// finish archives the request and publishes the answer of an answered one.
func (s *Spool) finish(id string) error {
	work, done, _ := s.dirs()
	if err := os.Rename(filepath.Join(work, id+".xml"), filepath.Join(done, id+".xml")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := s.syncDir(done); err != nil {
		return err
	}
	if err := s.step(stepArchived, id); err != nil {
		return err
	}
	// Keep the answer beside the archived request (a hard link: no copy),
	// to answer a repeat of this request the same way.
	if err := os.Link(filepath.Join(work, id+".resp"), filepath.Join(done, id+".resp")); err != nil && !errors.Is(err, fs.ErrExist) {
		return crossDevice(err)
	}
	if err := os.Rename(filepath.Join(work, id+".resp"), filepath.Join(s.DownloadDir, id+".xml")); err != nil {
		return crossDevice(err)
	}
	if err := s.syncDir(s.DownloadDir); err != nil {
		return err
	}
	if err := s.syncDir(work); err != nil {
		return err
	}
	return s.step(stepPublished, id)
}

// prune deletes archived requests older than Retention, and uploads left
// half-way (.tmp) by workstations that died, once as old.
func (s *Spool) prune() {
	_, done, _ := s.dirs()
	cut := time.Now().Add(-s.Retention)
	for _, dir := range []string{done, s.UploadDir} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if dir == s.UploadDir && !strings.HasSuffix(e.Name(), ".tmp") {
				continue
			}
			if info, err := e.Info(); err == nil && info.Mode().IsRegular() && info.ModTime().Before(cut) {
				os.Remove(filepath.Join(dir, e.Name()))
			}
		}
	}
}

func (s *Spool) step(step, id string) error {
	if s.hook != nil {
		return s.hook(step, id)
	}
	return nil
}

func (s *Spool) writeFile(name string, b []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil && !s.NoSync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func (s *Spool) syncDir(dir string) error {
	if s.NoSync {
		return nil
	}
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	f.Close()
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, errors.ErrUnsupported) {
		return nil // directories cannot be synced on this platform
	}
	return err
}

func crossDevice(err error) error {
	if errors.Is(err, syscall.EXDEV) {
		return fmt.Errorf("%w: the spool state and download directories are on different filesystems: %w", ErrConfig, err)
	}
	return err
}

func exists(name string) bool {
	_, err := os.Lstat(name)
	return err == nil
}

// sanitize keeps a rejected file's name harmless.
func sanitize(s string) string {
	b := []byte(clip(s))
	for i, c := range b {
		if !isUpper(c) && !isDigit(c) && !(c >= 'a' && c <= 'z') && c != '_' && c != '-' {
			b[i] = '_'
		}
	}
	return string(b)
}
