package main

// ftpServer is a minimal in-process FTP server over a directory, so that the
// ftp transport of SAD (sad.Client with Transport FTP, answered by a
// sad.Spool) runs with no FTP daemon. It belongs in package sad (for example
// sad/ftpsim), see /work/coord/requests.md; it lives here until then.
//
// It speaks exactly what sad's client sends: USER, PASS, TYPE, EPSV, PASV,
// STOR, RETR, SIZE, RNFR, RNTO, DELE, QUIT. It listens on 127.0.0.1 only,
// accepts any login and confines every path to its root.

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

type ftpServer struct {
	root string
	l    net.Listener
	wg   sync.WaitGroup

	mu    sync.Mutex
	conns map[net.Conn]struct{}
}

// startFTPServer serves root on a loopback port until Close.
func startFTPServer(root string) (*ftpServer, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &ftpServer{root: root, l: l, conns: make(map[net.Conn]struct{})}
	s.wg.Add(1)
	go s.serve()
	return s, nil
}

// Addr returns the control connection's address.
func (s *ftpServer) Addr() *net.TCPAddr { return s.l.Addr().(*net.TCPAddr) }

// Close stops the server and closes every open connection.
func (s *ftpServer) Close() error {
	err := s.l.Close()
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}

func (s *ftpServer) serve() {
	defer s.wg.Done()
	for {
		c, err := s.l.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns[c] = struct{}{}
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.session(c)
			s.mu.Lock()
			delete(s.conns, c)
			s.mu.Unlock()
			c.Close()
		}()
	}
}

// local maps an FTP path to a file under root.
func (s *ftpServer) local(p string) string {
	return filepath.Join(s.root, filepath.FromSlash(path.Clean("/"+p)))
}

func (s *ftpServer) session(c net.Conn) {
	r := bufio.NewReaderSize(c, 1024)
	reply := func(code int, msg string) { fmt.Fprintf(c, "%d %s\r\n", code, msg) }
	var (
		pasv    net.Listener
		renFrom string
	)
	defer func() {
		if pasv != nil {
			pasv.Close()
		}
	}()
	// data accepts the pending passive connection.
	data := func() (net.Conn, error) {
		if pasv == nil {
			return nil, errors.New("no passive listener")
		}
		defer func() { pasv.Close(); pasv = nil }()
		pasv.(*net.TCPListener).SetDeadline(time.Now().Add(10 * time.Second))
		return pasv.Accept()
	}
	reply(220, "ciekit in-process APR ftp")
	for {
		c.SetReadDeadline(time.Now().Add(2 * time.Minute))
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "USER":
			reply(331, "password please")
		case "PASS":
			reply(230, "logged in")
		case "TYPE":
			reply(200, "type set")
		case "EPSV", "PASV":
			if pasv != nil {
				pasv.Close()
			}
			if pasv, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
				reply(425, "cannot open data port")
				continue
			}
			port := pasv.Addr().(*net.TCPAddr).Port
			if strings.EqualFold(verb, "EPSV") {
				reply(229, fmt.Sprintf("Entering Extended Passive Mode (|||%d|)", port))
			} else {
				reply(227, fmt.Sprintf("Entering Passive Mode (127,0,0,1,%d,%d)", port>>8, port&0xff))
			}
		case "STOR":
			dc, err := data()
			if err != nil {
				reply(425, "no data connection")
				continue
			}
			reply(150, "send the data")
			b, err := io.ReadAll(io.LimitReader(dc, 4<<20))
			dc.Close()
			if err == nil {
				err = os.WriteFile(s.local(arg), b, 0o644)
			}
			if err != nil {
				reply(451, "cannot store")
				continue
			}
			reply(226, "stored")
		case "RETR":
			b, err := os.ReadFile(s.local(arg))
			if err != nil {
				if pasv != nil {
					pasv.Close()
					pasv = nil
				}
				reply(550, "no such file")
				continue
			}
			dc, err := data()
			if err != nil {
				reply(425, "no data connection")
				continue
			}
			reply(150, "sending")
			_, err = dc.Write(b)
			dc.Close()
			if err != nil {
				reply(426, "transfer aborted")
				continue
			}
			reply(226, "sent")
		case "SIZE":
			fi, err := os.Stat(s.local(arg))
			if err != nil || !fi.Mode().IsRegular() {
				reply(550, "no such file")
				continue
			}
			reply(213, strconv.FormatInt(fi.Size(), 10))
		case "RNFR":
			if _, err := os.Stat(s.local(arg)); err != nil {
				reply(550, "no such file")
				continue
			}
			renFrom = s.local(arg)
			reply(350, "ready for RNTO")
		case "RNTO":
			if renFrom == "" || os.Rename(renFrom, s.local(arg)) != nil {
				reply(550, "rename failed")
			} else {
				reply(250, "renamed")
			}
			renFrom = ""
		case "DELE":
			if os.Remove(s.local(arg)) != nil {
				reply(550, "no such file")
				continue
			}
			reply(250, "deleted")
		case "QUIT":
			reply(221, "bye")
			return
		default:
			reply(502, "not implemented")
		}
	}
}
