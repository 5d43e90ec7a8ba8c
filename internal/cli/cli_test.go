package cli

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var testCmd = &Command{
	Name:     "demo",
	Args:     "[flags] FILE",
	Summary:  "demo does a thing.",
	Inputs:   "FILE  the plan to check\n\nthe ANPR tables are embedded",
	Examples: []string{"demo plan.txt", "demo -mode ftp plan.txt"},
	Failure:  "findings in the plan",
}

func parse(t *testing.T, args ...string) (string, error) {
	t.Helper()
	fs := testCmd.FlagSet()
	mode := fs.String("mode", "http", "transport: http or ftp")
	fs.Int("n", 1, "how many")
	var out bytes.Buffer
	err := testCmd.Parse(fs, args, &out)
	if err == nil {
		err = Choice("mode", *mode, "http", "ftp")
	}
	return out.String(), err
}

func TestHelp(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"-h", "-help", "--help"} {
		out, err := parse(t, arg)
		require.ErrorIs(t, err, flag.ErrHelp, "Parse(%s)", arg)
		assert.Equal(t, ExitOK, ExitCode(err), "exit status after %s", arg)
		var stderr bytes.Buffer
		assert.Equal(t, ExitOK, Report(&stderr, "demo", err))
		assert.Empty(t, stderr.String(), "help is not an error")
		for _, want := range []string{
			"Usage: demo [flags] FILE\n", "demo does a thing.", "Inputs:\n  FILE  the plan to check\n\n  the ANPR",
			"Flags:\n", "-mode string", "transport: http or ftp (default \"http\")",
			"Examples:\n  demo plan.txt\n  demo -mode ftp plan.txt\n",
			"Exit status:\n  0  success\n  1  findings in the plan\n  2  usage error",
		} {
			assert.Contains(t, out, want, "usage after %s", arg)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"-colour"}, "demo: flag provided but not defined: -colour\nRun 'demo -h' for usage.\n"},
		{"bad number", []string{"-n", "many"}, "demo: invalid value \"many\" for flag -n: parse error\nRun 'demo -h' for usage.\n"},
		{"bad choice", []string{"-mode", "smtp"}, "demo: -mode \"smtp\": want http or ftp\nRun 'demo -h' for usage.\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := parse(t, tc.args...)
			var ue *UsageError
			require.ErrorAs(t, err, &ue, "Parse(%q)", tc.args)
			assert.Empty(t, out, "nothing on stdout for a usage error")
			var stderr bytes.Buffer
			assert.Equal(t, ExitUsage, Report(&stderr, "demo", err))
			assert.Equal(t, tc.want, stderr.String(), "Report of %q", tc.args)
		})
	}
}

// TestFlagSetError: a plain flag set prints its own errors, so Report
// prints nothing more and exits 2; -h exits 0.
func TestFlagSetError(t *testing.T) {
	t.Parallel()
	var printed bytes.Buffer
	fs := flag.NewFlagSet("tool", flag.ContinueOnError)
	fs.SetOutput(&printed)
	err := FlagSetError(fs.Parse([]string{"-colour"}))
	var ue *UsageError
	require.ErrorAs(t, err, &ue)
	var stderr bytes.Buffer
	assert.Equal(t, ExitUsage, Report(&stderr, "tool", err))
	assert.Empty(t, stderr.String(), "Report after the flag package printed the error")
	assert.Contains(t, printed.String(), "flag provided but not defined: -colour")

	assert.Equal(t, ExitOK, Report(&stderr, "tool", FlagSetError(fs.Parse([]string{"-h"}))))
	assert.NoError(t, FlagSetError(nil))
}

func TestReport(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	assert.Equal(t, ExitOK, Report(&stderr, "demo", nil))
	assert.Empty(t, stderr.String())

	failure := errors.New("reading plan.txt: no such file")
	assert.Equal(t, ExitFailure, Report(&stderr, "demo", failure))
	assert.Equal(t, "demo: reading plan.txt: no such file\n", stderr.String())

	stderr.Reset()
	rep := Reported(failure)
	assert.ErrorIs(t, rep, failure)
	assert.Equal(t, failure.Error(), rep.Error())
	assert.Equal(t, ExitFailure, Report(&stderr, "demo", rep))
	assert.Empty(t, stderr.String(), "a reported error is not printed again")
	assert.NoError(t, Reported(nil))

	assert.Equal(t, "-keybits 4096: want 1024 or 2048", Usagef("keybits", "%d: want %s", 4096, OneOf("1024", "2048")).Error())
	assert.Equal(t, "unexpected argument \"x\"", Usagef("", "unexpected argument %q", "x").Error())
	assert.Equal(t, "a, b or c", OneOf("a", "b", "c"))
	assert.Equal(t, "a", OneOf("a"))
}

// clock is a fake clock advanced by hand.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestProgressPlain(t *testing.T) {
	t.Parallel()
	c := &clock{t: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)}
	var w bytes.Buffer
	p := NewProgress(&w, "extracting", &ProgressOptions{Total: 10, Mode: ProgressPlain, Now: c.now})
	for range 10 {
		c.t = c.t.Add(2 * time.Second)
		p.Add(1)
	}
	p.Done()
	p.Done()
	p.Add(1)
	want := "extracting: 3/10 (30%), 6s elapsed\n" +
		"extracting: 6/10 (60%), 12s elapsed\n" +
		"extracting: 9/10 (90%), 18s elapsed\n" +
		"extracting: 10/10 (100%), done in 20s\n"
	assert.Equal(t, want, w.String())
	assert.NotContains(t, w.String(), "\r", "plain progress must not redraw")
}

func TestProgressLive(t *testing.T) {
	t.Parallel()
	c := &clock{t: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)}
	var w bytes.Buffer
	p := NewProgress(&w, "pairs", &ProgressOptions{Total: 4, Mode: ProgressLive, Now: c.now})
	c.t = c.t.Add(time.Second)
	p.Add(2)
	p.Add(1) // within 100 ms of the last redraw: not drawn
	c.t = c.t.Add(time.Second)
	p.Done()
	// 2/4 fills 15 of the 30 characters; 3/4 fills 22.
	want := "\rpairs [" + strings.Repeat("#", 15) + strings.Repeat(".", 15) + "] 2/4 (50%)  1s\x1b[K" +
		"\rpairs [" + strings.Repeat("#", 22) + strings.Repeat(".", 8) + "] 3/4 (75%)  2s\x1b[K\n"
	assert.Equal(t, want, w.String())
}

func TestProgressUnknownTotal(t *testing.T) {
	t.Parallel()
	c := &clock{t: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)}
	var w bytes.Buffer
	p := NewProgress(&w, "requests", &ProgressOptions{Mode: ProgressPlain, Interval: time.Second, Now: c.now})
	c.t = c.t.Add(1500 * time.Millisecond)
	p.Add(7)
	c.t = c.t.Add(250 * time.Millisecond)
	p.Done()
	assert.Equal(t, "requests: 7, 2s elapsed\nrequests: 7, done in 2s\n", w.String())
}

func TestIsTerminal(t *testing.T) {
	t.Parallel()
	assert.False(t, IsTerminal(&bytes.Buffer{}), "a buffer")
	f, err := os.CreateTemp(t.TempDir(), "log")
	require.NoError(t, err)
	defer f.Close()
	assert.False(t, IsTerminal(f), "a regular file")
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	require.NoError(t, err)
	defer null.Close()
	assert.False(t, IsTerminal(null), os.DevNull)
	// Auto mode on a file is plain.
	p := NewProgress(f, "x", nil)
	assert.False(t, p.live)
}
