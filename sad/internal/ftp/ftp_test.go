package ftp

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeServer answers a scripted FTP session: for each command line it
// expects (prefix match), it writes the given reply. A reply of "DATA:x"
// opens the passive listener's next connection and sends x.
type fakeServer struct {
	t      *testing.T
	l      net.Listener
	data   net.Listener
	script []step
	got    chan []byte // bytes received on data connections
}

type step struct{ cmd, reply string }

func newFake(t *testing.T, script []step) *fakeServer {
	return newFakeFunc(t, func(int) []step { return script })
}

// newFakeFunc builds the script once the data port is known.
func newFakeFunc(t *testing.T, script func(dataPort int) []step) *fakeServer {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	d, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	f := &fakeServer{t: t, l: l, data: d, script: script(d.Addr().(*net.TCPAddr).Port), got: make(chan []byte, 4)}
	t.Cleanup(func() { l.Close(); d.Close() })
	go f.serve()
	return f
}

func (f *fakeServer) dataPort() int { return f.data.Addr().(*net.TCPAddr).Port }

func (f *fakeServer) serve() {
	c, err := f.l.Accept()
	if err != nil {
		return
	}
	defer c.Close()
	r := bufio.NewReader(c)
	io.WriteString(c, "220-welcome\r\n220 ready\r\n")
	for _, s := range f.script {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		if !strings.HasPrefix(line, s.cmd) {
			io.WriteString(c, "500 unexpected "+strings.TrimSpace(line)+"\r\n")
			return
		}
		switch {
		case strings.HasPrefix(s.reply, "DATA:"):
			dc, err := f.data.Accept()
			if err != nil {
				return
			}
			io.WriteString(c, "150 opening\r\n")
			io.WriteString(dc, strings.TrimPrefix(s.reply, "DATA:"))
			dc.Close()
			io.WriteString(c, "226 done\r\n")
		case s.reply == "RECV":
			dc, err := f.data.Accept()
			if err != nil {
				return
			}
			io.WriteString(c, "150 send\r\n")
			b, _ := io.ReadAll(dc)
			dc.Close()
			f.got <- b
			io.WriteString(c, "226 stored\r\n")
		case s.reply == "HANG":
			io.Copy(io.Discard, r) // never answer; return when the client hangs up
			return
		default:
			io.WriteString(c, strings.ReplaceAll(s.reply, "{port}", strconv.Itoa(f.dataPort()))+"\r\n")
		}
	}
}

func login() []step {
	return []step{{"USER anonymous", "331 pass"}, {"PASS", "230 ok"}, {"TYPE I", "200 binary"}}
}

func TestSession(t *testing.T) {
	f := newFakeFunc(t, func(p int) []step {
		script := append(login(),
			step{"EPSV", "500 no EPSV"}, step{"PASV", "227 Entering Passive Mode (10,0,0,1,{hi},{lo})"}, step{"STOR up/a.tmp", "RECV"},
			step{"RNFR up/a.tmp", "350 ready"}, step{"RNTO up/a.xml", "250 renamed"},
			step{"SIZE down/a.xml", "550 no such file"},
			step{"SIZE down/a.xml", "213 5"},
			step{"EPSV", "229 Entering Extended Passive Mode (|||{port}|)"}, step{"RETR down/a.xml", "DATA:hello"},
			step{"DELE down/a.xml", "250 deleted"},
		)
		for i := range script {
			script[i].reply = strings.ReplaceAll(strings.ReplaceAll(script[i].reply, "{hi}", strconv.Itoa(p>>8)), "{lo}", strconv.Itoa(p&0xff))
		}
		return script
	})
	ctx := t.Context()
	c, err := Dial(ctx, f.l.Addr().String(), "", "")
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.Store(ctx, "up/a.tmp", []byte("<x/>")))
	assert.Equal(t, []byte("<x/>"), <-f.got)
	require.NoError(t, c.Rename(ctx, "up/a.tmp", "up/a.xml"))
	_, err = c.Size(ctx, "down/a.xml")
	assert.True(t, NotFound(err), "SIZE of a missing file: %v", err)
	n, err := c.Size(ctx, "down/a.xml")
	require.NoError(t, err)
	assert.Equal(t, int64(5), n)
	b, err := c.Retrieve(ctx, "down/a.xml", 100)
	require.NoError(t, err)
	assert.Equal(t, "hello", string(b))
	require.NoError(t, c.Delete(ctx, "down/a.xml"))
}

func TestLoginRefused(t *testing.T) {
	f := newFake(t, []step{{"USER bob", "331 pass"}, {"PASS", "530 Login incorrect"}})
	_, err := Dial(t.Context(), f.l.Addr().String(), "bob", "s3cret")
	var re *ReplyError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 530, re.Code)
	assert.NotContains(t, err.Error(), "s3cret")
}

func TestCancel(t *testing.T) {
	f := newFake(t, append(login(), step{"SIZE x", "HANG"}))
	c, err := Dial(t.Context(), f.l.Addr().String(), "", "")
	require.NoError(t, err)
	defer c.Close()
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err = c.Size(ctx, "x")
	require.ErrorIs(t, err, context.Canceled)
	assert.Less(t, time.Since(start), 5*time.Second)
}

func TestInjection(t *testing.T) {
	f := newFake(t, login())
	c, err := Dial(t.Context(), f.l.Addr().String(), "", "")
	require.NoError(t, err)
	defer c.Close()
	err = c.Delete(t.Context(), "a\r\nDELE b")
	require.ErrorIs(t, err, ErrProtocol)
}

// FuzzReply feeds arbitrary server bytes to the reply parser: it must
// never panic nor hang, and a parsed code is always 100-599.
func FuzzReply(f *testing.F) {
	f.Add([]byte("220 ok\r\n"))
	f.Add([]byte("220-a\r\nb\r\n220 c\r\n"))
	f.Add([]byte("229 Entering Extended Passive Mode (|||6446|)\r\n"))
	f.Add([]byte("2"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c := &Conn{r: bufio.NewReaderSize(bytes.NewReader(b), maxLine)}
		code, _, err := c.readReply()
		if err == nil && (code < 100 || code > 599) {
			t.Fatalf("code %d accepted", code)
		}
		if err != nil && code != 0 {
			t.Fatalf("code %d with error %v", code, err)
		}
		_ = errors.Is(err, ErrProtocol)
	})
}
