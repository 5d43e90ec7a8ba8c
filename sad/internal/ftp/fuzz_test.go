package ftp

import (
	"bufio"
	"errors"
	"strconv"
	"strings"
	"testing"
)

// FuzzParseEPSV: never panics; a port is in 1-65535 and appears in the
// reply; an error wraps ErrProtocol and comes with port 0.
func FuzzParseEPSV(f *testing.F) {
	for _, s := range []string{"Entering Extended Passive Mode (|||6446|)", "(|||0|)", "(|||65536|)", "(|||-1|)", "(||||)", "(|||12|) (|||13|)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		port, err := parseEPSV(msg)
		checkPort(t, msg, port, err)
	})
}

// FuzzParsePASV is FuzzParseEPSV for 227 replies.
func FuzzParsePASV(f *testing.F) {
	for _, s := range []string{"Entering Passive Mode (127,0,0,1,25,46)", "(1,2,3,4,0,0)", "(1,2,3,4,256,1)", "(1,2,3,4,5)", ")(1,2,3,4,5,6)", "(1,2,3,4, 9, 9)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		port, err := parsePASV(msg)
		checkPort(t, msg, port, err)
	})
}

func checkPort(t *testing.T, msg string, port int, err error) {
	t.Helper()
	if err != nil {
		if port != 0 || !errors.Is(err, ErrProtocol) {
			t.Fatalf("(%q) = %d, %v", msg, port, err)
		}
		return
	}
	if port < 1 || port > 65535 {
		t.Fatalf("(%q) = port %d", msg, port)
	}
}

// FuzzParseSize: never panics; a size is non-negative and round-trips.
func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"1234", " 0 ", "-1", "9223372036854775808", "12a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		n, err := parseSize(msg)
		if err != nil {
			if n != 0 || !errors.Is(err, ErrProtocol) {
				t.Fatalf("parseSize(%q) = %d, %v", msg, n, err)
			}
			return
		}
		if n < 0 {
			t.Fatalf("parseSize(%q) = %d", msg, n)
		}
		if m, _ := strconv.ParseInt(strings.TrimSpace(msg), 10, 64); m != n {
			t.Fatalf("parseSize(%q) = %d, want %d", msg, n, m)
		}
	})
}

// FuzzReadReply feeds a server's control stream to the reply reader: it
// never panics, reads bounded lines, and returns a 3-digit code or an error.
func FuzzReadReply(f *testing.F) {
	for _, s := range []string{"220 ready\r\n", "230-welcome\r\n more\r\n230 done\r\n", "99 short\r\n", "2200\r\n", "150-\r\n" + strings.Repeat("x", 5000) + "\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, stream string) {
		c := &Conn{r: bufio.NewReaderSize(strings.NewReader(stream), 512)}
		for range 4 {
			code, _, err := c.readReply()
			if err != nil {
				return
			}
			if code < 100 || code > 999 {
				t.Fatalf("readReply code %d from %q", code, stream)
			}
		}
	})
}
