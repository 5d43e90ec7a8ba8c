package main

import (
	"bytes"
	"flag"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciekit/ciekit/internal/cli"
)

func TestPINCommands(t *testing.T) {
	tests := []struct {
		name, action, input, want, wantErr string
	}{
		{"verify", "verify", "12345678\n", "PIN verified", ""},
		{"verify wrong", "verify", "11112222\n", "", "wrong code, 2 tries left"},
		{"verify short", "verify", "1234\n", "", "8 digits"},
		{"change", "change", "12345678\n24681357\n", "PIN changed", ""},
		{"change wrong old", "change", "99998888\n24681357\n", "", "wrong code, 2 tries left"},
		{"unblock", "unblock", "87654321\n24681357\n", "PIN unblocked and replaced", ""},
		{"unblock wrong PUK", "unblock", "11111111\n24681357\n", "", "wrong code, 9 tries left"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			err := runPIN(t.Context(), []string{tc.action, "-pin-stdin"}, strings.NewReader(tc.input), &out, &errb)
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
			} else {
				require.NoError(t, err, "stderr: %s", errb.String())
				assert.Contains(t, out.String(), tc.want)
			}
			for _, secret := range strings.Fields(tc.input) {
				assert.NotContains(t, out.String()+errb.String(), secret, "a PIN or PUK was printed")
				if err != nil {
					assert.NotContains(t, err.Error(), secret)
				}
			}
		})
	}
}

// TestPINCommandLine: "cie-read pin" follows internal/cli: -h prints the
// usage on stdout and exits 0; a missing or unknown action, an unknown
// source or flag is a usage error (exit 2) that prints nothing itself.
func TestPINCommandLine(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"-h"}, {"verify", "-h"}} {
		var out, errb bytes.Buffer
		err := runPIN(t.Context(), args, strings.NewReader(""), &out, &errb)
		require.ErrorIs(t, err, flag.ErrHelp, "runPIN(%q)", args)
		assert.Equal(t, cli.ExitOK, cli.ExitCode(err), "runPIN(%q)", args)
		assert.Empty(t, errb.String(), "runPIN(%q)", args)
		for _, want := range []string{"Usage: cie-read pin verify|change|unblock [flags]", "Inputs:\n", "-pin-stdin", "Examples:\n", "Exit status:\n  0  the PIN was"} {
			assert.Contains(t, out.String(), want, "runPIN(%q)", args)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "missing action: want cie-read pin verify, change or unblock"},
		{[]string{"-pin-stdin"}, "missing action: want cie-read pin verify, change or unblock"},
		{[]string{"frobnicate"}, `unknown pin action "frobnicate": want verify, change or unblock`},
		{[]string{"verify", "-source", "floppy"}, `-source "floppy": want sim, pcsc-sim or pcsc`},
		{[]string{"verify", "-nosuch"}, "flag provided but not defined: -nosuch"},
		{[]string{"verify", "now"}, `unexpected arguments ["now"] after cie-read pin verify`},
		{[]string{"verify", "-timeout", "0s"}, "-timeout 0s: want a positive duration"},
	} {
		var out, errb bytes.Buffer
		err := runPIN(t.Context(), tc.args, strings.NewReader(""), &out, &errb)
		var ue *cli.UsageError
		require.ErrorAs(t, err, &ue, "runPIN(%q)", tc.args)
		assert.Contains(t, err.Error(), tc.want, "runPIN(%q)", tc.args)
		assert.Equal(t, cli.ExitUsage, cli.ExitCode(err), "runPIN(%q)", tc.args)
		assert.Empty(t, out.String()+errb.String(), "runPIN(%q) prints (main prints the error once)", tc.args)
	}
}
