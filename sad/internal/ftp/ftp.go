// Package ftp is the small FTP client (RFC 959, RFC 2428 EPSV) the sad
// Client needs in ftp mode: login, binary STOR, RETR, SIZE, RNFR/RNTO and
// DELE over passive data connections. Every call takes a context whose
// deadline and cancellation interrupt the network I/O.
//
// It is internal because it is not a general FTP client: no active mode,
// no TLS, no directory listings.
package ftp

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// ReplyError is an FTP reply other than the one expected.
type ReplyError struct {
	Code int    // the 3-digit reply code, e.g. 550
	Msg  string // the server's text, clipped
}

// Error renders the reply code and text.
func (e *ReplyError) Error() string { return fmt.Sprintf("ftp: server replied %d %s", e.Code, e.Msg) }

// NotFound reports whether err is a 550 reply (file unavailable).
func NotFound(err error) bool {
	var re *ReplyError
	return errors.As(err, &re) && re.Code == 550
}

// ErrProtocol reports a reply the client cannot parse.
var ErrProtocol = errors.New("ftp: protocol error")

const maxLine = 4096

// Conn is a logged-in FTP control connection. It is not safe for
// concurrent use.
type Conn struct {
	c    net.Conn
	r    *bufio.Reader
	host string // data connections go to the control connection's host
	d    net.Dialer
}

// Dial connects to addr (host:port), logs in (user "anonymous" when empty)
// and selects binary mode.
func Dial(ctx context.Context, addr, user, pass string) (*Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	c := &Conn{host: host}
	nc, err := c.d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	c.c, c.r = nc, bufio.NewReaderSize(nc, maxLine)
	if err := c.login(ctx, user, pass); err != nil {
		nc.Close()
		return nil, err
	}
	return c, nil
}

func (c *Conn) login(ctx context.Context, user, pass string) error {
	return c.guard(ctx, func() error {
		if _, _, err := c.expect(220); err != nil {
			return err
		}
		if user == "" {
			user, pass = "anonymous", "anonymous@"
		}
		code, msg, err := c.cmd("USER " + user)
		if err != nil {
			return err
		}
		if code == 331 {
			if code, msg, err = c.cmd("PASS " + pass); err != nil {
				return err
			}
		}
		if code != 230 {
			return &ReplyError{Code: code, Msg: msg}
		}
		_, _, err = c.cmdExpect("TYPE I", 200)
		return err
	})
}

// guard runs f with the connection's deadline tied to ctx.
func (c *Conn) guard(ctx context.Context, f func() error, extra ...net.Conn) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	conns := append([]net.Conn{c.c}, extra...)
	if dl, ok := ctx.Deadline(); ok {
		for _, nc := range conns {
			nc.SetDeadline(dl)
		}
	}
	stop := context.AfterFunc(ctx, func() {
		for _, nc := range conns {
			nc.SetDeadline(time.Unix(1, 0))
		}
	})
	err := f()
	if !stop() || ctx.Err() != nil {
		return ctx.Err() // the connection is now unusable
	}
	if dl, ok := ctx.Deadline(); ok && err != nil && !time.Now().Before(dl) {
		// The socket deadline fired a moment before the context's timer.
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return context.DeadlineExceeded
		}
	}
	for _, nc := range conns {
		nc.SetDeadline(time.Time{})
	}
	return err
}

// readReply reads one (possibly multi-line) reply.
func (c *Conn) readReply() (int, string, error) {
	line, err := c.line()
	if err != nil {
		return 0, "", err
	}
	if len(line) < 4 {
		return 0, "", fmt.Errorf("%w: short reply", ErrProtocol)
	}
	code, err := strconv.Atoi(line[:3])
	if err != nil || code < 100 || code > 599 {
		return 0, "", fmt.Errorf("%w: bad reply code", ErrProtocol)
	}
	msg := line[4:]
	if line[3] == '-' {
		end := line[:3] + " "
		for n := 0; ; n++ {
			if n > 1000 {
				return 0, "", fmt.Errorf("%w: endless multi-line reply", ErrProtocol)
			}
			l, err := c.line()
			if err != nil {
				return 0, "", err
			}
			if strings.HasPrefix(l, end) {
				break
			}
		}
	} else if line[3] != ' ' {
		return 0, "", fmt.Errorf("%w: bad reply separator", ErrProtocol)
	}
	if len(msg) > 120 {
		msg = msg[:120]
	}
	return code, msg, nil
}

func (c *Conn) line() (string, error) {
	b, err := c.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return "", fmt.Errorf("%w: reply line too long", ErrProtocol)
	}
	if err != nil {
		return "", err
	}
	return string(bytes.TrimRight(b, "\r\n")), nil
}

func (c *Conn) expect(want ...int) (int, string, error) {
	code, msg, err := c.readReply()
	if err != nil {
		return 0, "", err
	}
	for _, w := range want {
		if code == w {
			return code, msg, nil
		}
	}
	return code, msg, &ReplyError{Code: code, Msg: msg}
}

func (c *Conn) cmd(line string) (int, string, error) {
	if strings.ContainsAny(line, "\r\n") {
		return 0, "", fmt.Errorf("%w: CR or LF in a command", ErrProtocol)
	}
	if _, err := io.WriteString(c.c, line+"\r\n"); err != nil {
		return 0, "", err
	}
	return c.readReply()
}

func (c *Conn) cmdExpect(line string, want ...int) (int, string, error) {
	code, msg, err := c.cmd(line)
	if err != nil {
		return 0, "", err
	}
	for _, w := range want {
		if code == w {
			return code, msg, nil
		}
	}
	return code, msg, &ReplyError{Code: code, Msg: msg}
}

// passive opens a data connection with EPSV, falling back to PASV.
func (c *Conn) passive(ctx context.Context) (net.Conn, error) {
	var port int
	code, msg, err := c.cmd("EPSV")
	if err != nil {
		return nil, err
	}
	switch code {
	case 229:
		if port, err = parseEPSV(msg); err != nil {
			return nil, err
		}
	default:
		code, msg, err = c.cmd("PASV")
		if err != nil {
			return nil, err
		}
		if code != 227 {
			return nil, &ReplyError{Code: code, Msg: msg}
		}
		if port, err = parsePASV(msg); err != nil {
			return nil, err
		}
	}
	// The address in the reply is ignored: data goes to the host already
	// connected, as NAT-safe clients do.
	return c.d.DialContext(ctx, "tcp", net.JoinHostPort(c.host, strconv.Itoa(port)))
}

// Store uploads data as path (binary STOR), replacing any existing file.
func (c *Conn) Store(ctx context.Context, path string, data []byte) error {
	return c.guard(ctx, func() error {
		return c.transfer(ctx, "STOR "+path, func(dc net.Conn) error {
			_, err := dc.Write(data)
			return err
		})
	})
}

// Retrieve downloads path, reading at most max bytes; a longer file is an
// error. A missing file is a 550 [ReplyError] (see [NotFound]).
func (c *Conn) Retrieve(ctx context.Context, path string, max int64) ([]byte, error) {
	var out []byte
	err := c.guard(ctx, func() error {
		return c.transfer(ctx, "RETR "+path, func(dc net.Conn) error {
			b, err := io.ReadAll(io.LimitReader(dc, max+1))
			if err != nil {
				return err
			}
			if int64(len(b)) > max {
				return fmt.Errorf("ftp: %s is larger than %d bytes", path, max)
			}
			out = b
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// transfer runs one data transfer: it opens a passive data connection,
// sends cmd (STOR or RETR), lets move write or read the data with ctx's
// deadline and cancellation applied to the connection, closes it and
// waits for the server's 226 or 250.
func (c *Conn) transfer(ctx context.Context, cmd string, move func(dc net.Conn) error) error {
	dc, err := c.passive(ctx)
	if err != nil {
		return err
	}
	defer dc.Close()
	if _, _, err := c.cmdExpect(cmd, 125, 150); err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { dc.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if dl, ok := ctx.Deadline(); ok {
		dc.SetDeadline(dl)
	}
	if err := move(dc); err != nil {
		return err
	}
	if err := dc.Close(); err != nil {
		return err
	}
	_, _, err = c.expect(226, 250)
	return err
}

// Size returns the size of path (SIZE, RFC 3659). A missing file is a 550
// [ReplyError].
func (c *Conn) Size(ctx context.Context, path string) (int64, error) {
	var n int64
	err := c.guard(ctx, func() error {
		_, msg, err := c.cmdExpect("SIZE "+path, 213)
		if err != nil {
			return err
		}
		n, err = parseSize(msg)
		return err
	})
	return n, err
}

// Rename renames from to to (RNFR/RNTO).
func (c *Conn) Rename(ctx context.Context, from, to string) error {
	return c.guard(ctx, func() error {
		if _, _, err := c.cmdExpect("RNFR "+from, 350); err != nil {
			return err
		}
		_, _, err := c.cmdExpect("RNTO "+to, 250)
		return err
	})
}

// Delete removes path (DELE).
func (c *Conn) Delete(ctx context.Context, path string) error {
	return c.guard(ctx, func() error {
		_, _, err := c.cmdExpect("DELE "+path, 250)
		return err
	})
}

// Close sends QUIT, briefly waiting for the reply, and closes the connection.
func (c *Conn) Close() error {
	c.c.SetDeadline(time.Now().Add(2 * time.Second))
	c.cmd("QUIT")
	return c.c.Close()
}

// parseEPSV returns the port of a 229 reply's text, "Entering Extended
// Passive Mode (|||port|)" (RFC 2428 §3): 1-65535, or an error wrapping
// ErrProtocol.
func parseEPSV(msg string) (int, error) {
	i := strings.Index(msg, "(|||")
	if i < 0 {
		return 0, fmt.Errorf("%w: EPSV reply", ErrProtocol)
	}
	j := strings.Index(msg[i+4:], "|)")
	if j < 0 {
		return 0, fmt.Errorf("%w: EPSV reply", ErrProtocol)
	}
	port, err := strconv.Atoi(msg[i+4 : i+4+j])
	if err != nil || port <= 0 || port > 65535 {
		return 0, fmt.Errorf("%w: EPSV port", ErrProtocol)
	}
	return port, nil
}

// parsePASV returns the port of a 227 reply's text,
// "Entering Passive Mode (h1,h2,h3,h4,p1,p2)" (RFC 959 §4.1.2): p1*256+p2
// in 1-65535, or an error wrapping ErrProtocol. The address is ignored.
func parsePASV(msg string) (int, error) {
	i := strings.Index(msg, "(")
	if i < 0 {
		return 0, fmt.Errorf("%w: PASV reply", ErrProtocol)
	}
	j := strings.Index(msg[i:], ")")
	if j < 0 {
		return 0, fmt.Errorf("%w: PASV reply", ErrProtocol)
	}
	f := strings.Split(msg[i+1:i+j], ",")
	if len(f) != 6 {
		return 0, fmt.Errorf("%w: PASV reply", ErrProtocol)
	}
	p1, e1 := strconv.Atoi(strings.TrimSpace(f[4]))
	p2, e2 := strconv.Atoi(strings.TrimSpace(f[5]))
	if e1 != nil || e2 != nil || p1 < 0 || p1 > 255 || p2 < 0 || p2 > 255 {
		return 0, fmt.Errorf("%w: PASV port", ErrProtocol)
	}
	port := p1<<8 | p2
	if port == 0 {
		return 0, fmt.Errorf("%w: PASV port 0", ErrProtocol)
	}
	return port, nil
}

// parseSize returns the size in a 213 reply's text (RFC 3659 §4): a
// non-negative decimal, or an error wrapping ErrProtocol.
func parseSize(msg string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(msg), 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%w: SIZE reply", ErrProtocol)
	}
	return n, nil
}
