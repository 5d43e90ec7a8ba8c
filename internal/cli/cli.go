// Package cli holds the conventions every ciekit command (examples/*) follows,
// so that they behave alike for a person trying them:
//
//   - -h and -help print a usage that lists the inputs, example invocations
//     and the exit statuses, on standard output, and exit 0;
//   - a mistake on the command line names the flag (or argument), the value
//     given and the values accepted, is printed once, and exits 2;
//   - any other failure is printed once, prefixed with the command's name,
//     and exits 1 (also used for "findings": a check that found problems);
//   - work that takes more than a couple of seconds shows progress: a live
//     bar on a terminal, plain periodic lines when the output is a file or a
//     pipe (see [Progress]).
//
// A command adopts it in three steps:
//
//	var cmd = &cli.Command{Name: "deploy-plan", Summary: "…", Args: "[flags] FILE",
//		Examples: []string{"deploy-plan ../shared/seeds/plan.txt"}, Failure: "findings in the plan"}
//
//	func main() { cli.Main(cmd.Name, run) }
//
//	func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
//		fs := cmd.FlagSet()
//		mode := fs.String("mode", "http", "http or ftp")
//		if err := cmd.Parse(fs, args, stdout); err != nil {
//			return err // flag.ErrHelp (exit 0) or a *cli.UsageError (exit 2)
//		}
//		if err := cli.Choice("mode", *mode, "http", "ftp"); err != nil {
//			return err
//		}
//		…
//	}
//
// An error the command has already shown in its own report is wrapped with
// [Reported]: [Main] then exits 1 without printing it a second time.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// Exit statuses of every ciekit command.
const (
	ExitOK      = 0 // success; also after -h
	ExitFailure = 1 // the work failed, or a check found problems
	ExitUsage   = 2 // the command line is wrong: unknown flag, bad value, missing argument
)

// Command describes a command for its usage text. The zero value of every
// field but Name is valid.
type Command struct {
	// Name is the command's name, as the user types it ("workstation").
	Name string
	// Args is the synopsis after the name (default "[flags]").
	Args string
	// Summary is what the command does: one or more lines of plain text.
	Summary string
	// Inputs describes the files, data and services the command reads or
	// writes, and where it looks for them by default.
	Inputs string
	// Examples are whole command lines, one per entry.
	Examples []string
	// OK and Failure say what exit statuses 0 and 1 mean for this command
	// (defaults "success" and "failure").
	OK, Failure string
}

// FlagSet returns an empty flag set for the command whose errors are
// returned by [Command.Parse], never printed by the flag package.
func (c *Command) FlagSet() *flag.FlagSet {
	fs := flag.NewFlagSet(c.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// Parse parses args with fs (made by [Command.FlagSet]). On -h or -help it
// writes the usage to w (standard output: help is not an error) and returns
// [flag.ErrHelp]; a bad flag or value gives a [*UsageError].
// Positional arguments are left in fs.Args().
func (c *Command) Parse(fs *flag.FlagSet, args []string, w io.Writer) error {
	err := fs.Parse(args)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		if werr := c.WriteUsage(w, fs); werr != nil {
			return werr
		}
		return flag.ErrHelp
	default:
		return &UsageError{Err: err}
	}
}

// WriteUsage writes the usage: synopsis, summary, inputs, flags with their
// defaults, examples and exit statuses.
func (c *Command) WriteUsage(w io.Writer, fs *flag.FlagSet) error {
	var b strings.Builder
	args := c.Args
	if args == "" {
		args = "[flags]"
	}
	fmt.Fprintf(&b, "Usage: %s %s\n", c.Name, args)
	if s := strings.TrimSpace(c.Summary); s != "" {
		fmt.Fprintf(&b, "\n%s\n", s)
	}
	if s := strings.TrimSpace(c.Inputs); s != "" {
		fmt.Fprintf(&b, "\nInputs:\n%s\n", indent(s))
	}
	hasFlags := false
	fs.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		b.WriteString("\nFlags:\n")
		out := fs.Output()
		fs.SetOutput(&b)
		fs.PrintDefaults()
		fs.SetOutput(out)
	}
	if len(c.Examples) > 0 {
		b.WriteString("\nExamples:\n")
		for _, e := range c.Examples {
			fmt.Fprintf(&b, "  %s\n", e)
		}
	}
	ok, fail := c.OK, c.Failure
	if ok == "" {
		ok = "success"
	}
	if fail == "" {
		fail = "failure"
	}
	fmt.Fprintf(&b, "\nExit status:\n  %d  %s\n  %d  %s\n  %d  usage error (unknown flag, bad value, missing argument)\n",
		ExitOK, ok, ExitFailure, fail, ExitUsage)
	_, err := io.WriteString(w, b.String())
	return err
}

func indent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "  " + l
		}
	}
	return strings.Join(lines, "\n")
}

// UsageError is a mistake on the command line. Its message names the flag
// or argument, the value given and what is accepted.
type UsageError struct {
	// Flag is the flag's name without the dash, or "" for a positional
	// argument or a flag-package error that names the flag itself.
	Flag string
	Err  error
}

func (e *UsageError) Error() string {
	if e.Flag == "" {
		return e.Err.Error()
	}
	return "-" + e.Flag + " " + e.Err.Error()
}

func (e *UsageError) Unwrap() error { return e.Err }

// Usagef returns a [*UsageError] about flag (without the dash; "" for a
// positional argument) with a formatted message, as in
// Usagef("keybits", "%d: want 1024 or 2048", n), which reads
// "-keybits 4096: want 1024 or 2048".
func Usagef(flag, format string, a ...any) error {
	return &UsageError{Flag: flag, Err: fmt.Errorf(format, a...)}
}

// Choice returns nil if value is one of choices, and otherwise a
// [*UsageError] such as `-transport "smtp": want http or ftp`.
func Choice(flag, value string, choices ...string) error {
	for _, c := range choices {
		if value == c {
			return nil
		}
	}
	return Usagef(flag, "%q: want %s", value, OneOf(choices...))
}

// OneOf renders choices as "a, b or c".
func OneOf(choices ...string) string {
	switch len(choices) {
	case 0:
		return ""
	case 1:
		return choices[0]
	}
	return strings.Join(choices[:len(choices)-1], ", ") + " or " + choices[len(choices)-1]
}

// reportedError is an error the command has already shown to the user.
type reportedError struct{ err error }

func (e *reportedError) Error() string { return e.err.Error() }
func (e *reportedError) Unwrap() error { return e.err }

// Reported wraps err, which the command has already shown in its output, so
// that [Report] and [Main] do not print it again (the exit status stays 1).
// Reported(nil) is nil.
func Reported(err error) error {
	if err == nil {
		return nil
	}
	return &reportedError{err}
}

// FlagSetError adapts the error of a plain [flag.FlagSet], one that prints
// its own errors and usage (not made by [Command.FlagSet]), for [Report]
// and [Main]: nil and [flag.ErrHelp] (exit 0) are returned as they are, and
// any other error becomes a [*UsageError] marked [Reported], so that it
// exits 2 without being printed a second time.
func FlagSetError(err error) error {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return err
	}
	return Reported(&UsageError{Err: err})
}

// ExitCode is the exit status for the error run returned: [ExitOK] for nil
// and [flag.ErrHelp], [ExitUsage] for a [*UsageError], [ExitFailure]
// otherwise.
func ExitCode(err error) int {
	var ue *UsageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return ExitOK
	case errors.As(err, &ue):
		return ExitUsage
	}
	return ExitFailure
}

// Report prints err for the user on stderr, once, and returns the exit
// status: nothing for success, help or a [Reported] error; "name: message"
// and a pointer to -h for a usage error; "name: message" otherwise.
func Report(stderr io.Writer, name string, err error) int {
	code := ExitCode(err)
	var re *reportedError
	switch {
	case code == ExitOK, errors.As(err, &re):
	case code == ExitUsage:
		fmt.Fprintf(stderr, "%s: %v\nRun '%s -h' for usage.\n", name, err, name)
	default:
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
	}
	return code
}

// Main runs run with a context cancelled by an interrupt (Ctrl-C) or
// SIGTERM, reports its error with [Report] and exits with the status.
func Main(name string, run func(ctx context.Context, args []string, stdout, stderr io.Writer) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(Report(os.Stderr, name, err))
}
