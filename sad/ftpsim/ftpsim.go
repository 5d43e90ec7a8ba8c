// Package ftpsim is an in-process FTP server over a directory tree, so that
// the ftp transport of SAD (a sad.Client with Transport FTP, answered by a
// sad.Spool on the same tree) runs in tests, examples and demonstrations
// without an FTP daemon.
//
// It implements what the sad client uses, in passive mode only: USER, PASS
// (any login is accepted), TYPE, EPSV, PASV, STOR, RETR, SIZE, RNFR, RNTO,
// DELE, NOOP and QUIT; other commands get 502. It listens on 127.0.0.1, and
// every path is confined to the root directory. It is a simulator, not a
// production FTP server: no TLS, no listings, no accounts.
package ftpsim

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// MaxFile is the largest file accepted by STOR, in bytes.
const MaxFile = 16 << 20

// Server serves one directory tree. It is safe for concurrent use; each
// control connection is served by its own goroutine.
type Server struct {
	root string
	l    net.Listener
	wg   sync.WaitGroup

	mu     sync.Mutex
	conns  map[net.Conn]bool
	closed bool
}

// NewServer starts serving root on a free loopback port.
func NewServer(root string) (*Server, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("ftpsim: root %s is not a directory", root)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{root: abs, l: l, conns: make(map[net.Conn]bool)}
	s.wg.Go(s.accept)
	return s, nil
}

// Addr returns the host:port the server listens on.
func (s *Server) Addr() string { return s.l.Addr().String() }

// Port returns the port the server listens on.
func (s *Server) Port() int { return s.l.Addr().(*net.TCPAddr).Port }

// Close stops the server, closes every connection and waits for the
// goroutines to end.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	err := s.l.Close()
	s.wg.Wait()
	return err
}

func (s *Server) track(c net.Conn, on bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if on && s.closed {
		return false
	}
	if on {
		s.conns[c] = true
	} else {
		delete(s.conns, c)
	}
	return true
}

func (s *Server) accept() {
	for {
		c, err := s.l.Accept()
		if err != nil {
			return
		}
		if !s.track(c, true) {
			c.Close()
			return
		}
		s.wg.Go(func() {
			defer s.track(c, false)
			defer c.Close()
			(&session{s: s, c: c, r: bufio.NewReaderSize(c, 4096)}).serve()
		})
	}
}

// session is one control connection.
type session struct {
	s        *Server
	c        net.Conn
	r        *bufio.Reader
	pasv     net.Listener
	renaming string
}

func (ss *session) reply(code int, msg string) {
	fmt.Fprintf(ss.c, "%d %s\r\n", code, msg)
}

// path maps a client path onto the root, confining it there.
func (ss *session) path(p string) string {
	return filepath.Join(ss.s.root, filepath.FromSlash(path.Clean("/"+p)))
}

func (ss *session) serve() {
	defer func() {
		if ss.pasv != nil {
			ss.pasv.Close()
		}
	}()
	ss.reply(220, "ftpsim ready")
	for {
		ss.c.SetReadDeadline(time.Now().Add(5 * time.Minute))
		line, err := ss.r.ReadString('\n')
		if err != nil {
			return
		}
		cmd, arg, _ := strings.Cut(strings.TrimRight(line, "\r\n"), " ")
		switch strings.ToUpper(cmd) {
		case "USER":
			ss.reply(331, "password please")
		case "PASS":
			ss.reply(230, "logged in")
		case "TYPE", "NOOP":
			ss.reply(200, "ok")
		case "EPSV", "PASV":
			ss.passive(strings.ToUpper(cmd) == "EPSV")
		case "STOR":
			ss.stor(arg)
		case "RETR":
			ss.retr(arg)
		case "SIZE":
			fi, err := os.Stat(ss.path(arg))
			if err != nil || !fi.Mode().IsRegular() {
				ss.reply(550, "no such file")
				continue
			}
			ss.reply(213, strconv.FormatInt(fi.Size(), 10))
		case "RNFR":
			if _, err := os.Stat(ss.path(arg)); err != nil {
				ss.reply(550, "no such file")
				continue
			}
			ss.renaming = ss.path(arg)
			ss.reply(350, "ready for RNTO")
		case "RNTO":
			from := ss.renaming
			ss.renaming = ""
			if from == "" {
				ss.reply(503, "RNFR first")
			} else if err := os.Rename(from, ss.path(arg)); err != nil {
				ss.reply(550, "rename failed")
			} else {
				ss.reply(250, "renamed")
			}
		case "DELE":
			if err := os.Remove(ss.path(arg)); err != nil {
				ss.reply(550, "delete failed")
			} else {
				ss.reply(250, "deleted")
			}
		case "QUIT":
			ss.reply(221, "bye")
			return
		default:
			ss.reply(502, "not implemented")
		}
	}
}

func (ss *session) passive(extended bool) {
	if ss.pasv != nil {
		ss.pasv.Close()
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		ss.pasv = nil
		ss.reply(425, "cannot open a data port")
		return
	}
	ss.pasv = l
	port := l.Addr().(*net.TCPAddr).Port
	if extended {
		ss.reply(229, fmt.Sprintf("Entering Extended Passive Mode (|||%d|)", port))
		return
	}
	ss.reply(227, fmt.Sprintf("Entering Passive Mode (127,0,0,1,%d,%d)", port>>8, port&0xff))
}

// data accepts the data connection of the last EPSV/PASV.
func (ss *session) data() (net.Conn, error) {
	l := ss.pasv
	ss.pasv = nil
	if l == nil {
		return nil, errors.New("no passive port")
	}
	defer l.Close()
	if tl, ok := l.(*net.TCPListener); ok {
		tl.SetDeadline(time.Now().Add(30 * time.Second))
	}
	c, err := l.Accept()
	if err == nil {
		c.SetDeadline(time.Now().Add(5 * time.Minute))
	}
	return c, err
}

func (ss *session) stor(arg string) {
	name := ss.path(arg)
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		ss.reply(553, "cannot create file")
		return
	}
	defer f.Close()
	ss.reply(150, "send the data")
	dc, err := ss.data()
	if err != nil {
		ss.reply(425, "no data connection")
		return
	}
	n, err := io.Copy(f, io.LimitReader(dc, MaxFile+1))
	dc.Close()
	if err == nil {
		err = f.Close()
	}
	if err != nil || n > MaxFile {
		os.Remove(name)
		ss.reply(552, "transfer failed")
		return
	}
	ss.reply(226, "stored")
}

func (ss *session) retr(arg string) {
	f, err := os.Open(ss.path(arg))
	if err != nil {
		if ss.pasv != nil {
			ss.pasv.Close()
			ss.pasv = nil
		}
		ss.reply(550, "no such file")
		return
	}
	defer f.Close()
	ss.reply(150, "sending")
	dc, err := ss.data()
	if err != nil {
		ss.reply(425, "no data connection")
		return
	}
	_, err = io.Copy(dc, f)
	dc.Close()
	if err != nil {
		ss.reply(426, "transfer aborted")
		return
	}
	ss.reply(226, "sent")
}
