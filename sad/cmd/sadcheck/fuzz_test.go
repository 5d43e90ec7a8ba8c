package main

import (
	"errors"
	"flag"
	"io"
	"testing"
	"time"
)

// FuzzOptions feeds arbitrary -url, -ftp, -pair and -cf values to the
// command's input checks: never a panic, and every rejection is a usage
// error that names a flag.
func FuzzOptions(f *testing.F) {
	f.Add("http://127.0.0.1:8080/sad", "", "S/N", "RSSMRA80A41H501Y,VRDGPP70M10F205O")
	f.Add("", "h:21", "VERO/FALSO", "")
	f.Add("https://[::1]:0/x", "", "x", ",,")
	f.Add("http://h:99999/", "h:-1", "1/0", "12345678901")
	f.Fuzz(func(t *testing.T, rawURL, ftpAddr, pair, cfs string) {
		fs := flag.NewFlagSet("sadcheck", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		o, err := options(fs, rawURL, ftpAddr, "up", "down", "", pair, false, cfs, time.Second, 4, time.Second, func(string) string { return "" })
		if err != nil {
			var ue *usageError
			if !errors.As(err, &ue) || ue.msg == "" {
				t.Fatalf("options: %T %v", err, err)
			}
			return
		}
		if o.Config.Host == "" {
			t.Fatalf("accepted without a host: url %q ftp %q", rawURL, ftpAddr)
		}
	})
}
