package main

import (
	"bytes"
	"context"
	"encoding/pem"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciekit/ciekit/internal/cli"
	"github.com/ciekit/ciekit/internal/pcsclock"
	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/ciekit/ciekit/scard/pcsc"
)

func TestReadSimulated(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	require.NoError(t, run(t.Context(), nil, &out, &out))
	s := out.String()
	assert.Contains(t, s, "Read through PACE")
	assert.Contains(t, s, "Codice fiscale  RSSBNC64T70H501S")
	assert.Contains(t, s, "OK: the data are as the issuer signed them")
	assert.Contains(t, s, ": verified (IAS SOD and internal authentication)")
	assert.Regexp(t, `Photo           JPEG, 90×120 pixels, \d{3,} bytes\n`, s, "DG2 holds a real image")
}

func TestHelp(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	err := run(t.Context(), []string{"-h"}, &out, &errOut)
	require.ErrorIs(t, err, flag.ErrHelp)
	assert.Equal(t, cli.ExitOK, cli.ExitCode(err))
	assert.Empty(t, errOut.String())
	for _, want := range []string{"Usage: cie-read [flags]", "Inputs:\n  -source sim", "-can string", "Examples:\n", "Exit status:\n  0  the card was read",
		"-partial", "with -partial also when any file could not be read"} {
		assert.Contains(t, out.String(), want)
	}
}

func TestFlagErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-source", "floppy"}, `-source "floppy": want sim, pcsc-sim or pcsc`},
		{[]string{"-can", "12"}, `-can "12": want the 6 digits printed on the card's front`},
		{[]string{"-can", "12345a"}, `-can "12345a": want the 6 digits printed on the card's front`},
		{[]string{"-bac"}, `-bac needs -mrz: the BAC key is made from the MRZ`},
		{[]string{"-mrz", "P<ITA"}, `-mrz is not a CIE's MRZ (three lines of 30 characters): `},
		{[]string{"-source", "pcsc"}, `-source pcsc needs the card's CAN (-can, 6 digits on its front) or its MRZ (-mrz)`},
		{[]string{"-timeout", "0s"}, `-timeout 0s: want a positive duration such as 30s`},
		{[]string{"now"}, `unexpected arguments ["now"]: cie-read takes only flags`},
	} {
		var out, errOut bytes.Buffer
		err := run(t.Context(), tc.args, &out, &errOut)
		var ue *cli.UsageError
		require.ErrorAs(t, err, &ue, "run %q", tc.args)
		assert.Contains(t, err.Error(), tc.want, "run %q", tc.args)
		assert.Equal(t, cli.ExitUsage, cli.ExitCode(err))
		assert.Empty(t, out.String()+errOut.String(), "run %q prints (main prints the error once)", tc.args)
	}
}

// TestWrongCANSimulated: the simulated card checks the CAN like a real one,
// and the error says which CAN it expects.
func TestWrongCANSimulated(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	err := run(t.Context(), []string{"-can", "654321"}, &out, &out)
	require.ErrorIs(t, err, scard.ErrAuthentication)
	assert.Contains(t, err.Error(), "-can 654321 is not the simulated card's CAN, 123456")
	assert.NotContains(t, out.String(), "Surname", "data shown without the right CAN")
}

// fakeReaders is a PC/SC service whose readers hold a card or stay empty.
type fakeReaders struct {
	names []string
	card  map[string]bool
}

func (f *fakeReaders) Readers() ([]string, error) {
	if len(f.names) == 0 {
		return nil, scard.ErrNoReader
	}
	return f.names, nil
}

func (f *fakeReaders) WaitForCard(ctx context.Context, reader string) error {
	if f.card[reader] {
		return nil
	}
	<-ctx.Done()
	return ctx.Err()
}

func TestFindCard(t *testing.T) {
	t.Parallel()
	const virt, real = "Virtual PCD 00 00", "ACS ACR1252 Dual Reader PICC 00 00"
	for _, tc := range []struct {
		name    string
		readers []string
		card    map[string]bool
		reader  string // -reader
		source  string
		want    string // the reader chosen, or
		err     string // the error
	}{
		{name: "only a virtual reader, empty", readers: []string{virt}, source: "pcsc",
			err: `no card in reader "Virtual PCD 00 00" (a vsmartcard virtual reader: it holds a card only while a simulator serves one, as -source pcsc-sim does) after waiting`},
		{name: "real reader empty", readers: []string{real}, source: "pcsc",
			err: `no card in reader "ACS ACR1252 Dual Reader PICC 00 00" after waiting`},
		{name: "card in the real reader", readers: []string{virt, real}, card: map[string]bool{real: true}, source: "pcsc", want: real},
		{name: "cards in both: the real reader first", readers: []string{virt, real}, card: map[string]bool{real: true, virt: true}, source: "pcsc", want: real},
		{name: "several readers, all empty", readers: []string{virt, real}, source: "pcsc",
			err: `no card in any reader ("ACS ACR1252 Dual Reader PICC 00 00", "Virtual PCD 00 00"): insert the card, or choose a reader with -reader`},
		{name: "named reader", readers: []string{virt, real}, card: map[string]bool{virt: true}, reader: virt, source: "pcsc", want: virt},
		{name: "unknown reader", readers: []string{real}, reader: "Nope", source: "pcsc", err: `-reader "Nope": no such reader; the readers are "ACS ACR1252 Dual Reader PICC 00 00"`},
		{name: "no reader", source: "pcsc", err: "listing the PC/SC readers (is a reader plugged in?): scard: no reader"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(t.Context(), 600*time.Millisecond)
			defer cancel()
			var out bytes.Buffer
			got, err := findCard(ctx, &fakeReaders{names: tc.readers, card: tc.card}, config{reader: tc.reader, source: tc.source}, &out)
			if tc.err != "" {
				require.Error(t, err, "findCard chose %q", got)
				assert.Contains(t, err.Error(), tc.err)
				assert.NotErrorIs(t, err, context.DeadlineExceeded, "the error is about the card, not the deadline")
				if strings.HasPrefix(tc.err, "no card") {
					assert.ErrorIs(t, err, scard.ErrNoCard)
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestReadSimulatedBAC(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	mrz := specimenMRZ
	err := run(t.Context(), []string{"-mrz", mrz, "-bac"}, &out, &out)
	require.NoError(t, err, out.String())
	assert.Contains(t, out.String(), "Read through BAC")

	out.Reset()
	require.NoError(t, run(t.Context(), []string{"-mrz", mrz}, &out, &out))
	assert.Contains(t, out.String(), "Read through PACE", "PACE with the MRZ as password")
	assert.Error(t, run(t.Context(), []string{"-bac"}, &out, &out))
}

func TestWrongCANAndUntrustedCSCA(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	err := run(t.Context(), []string{"-can", "000000"}, &out, &out)
	assert.ErrorIs(t, err, scard.ErrAuthentication)

	// A CSCA pool without the simulator's CSCA: passive authentication fails.
	dir := t.TempDir()
	other, err := specimen()
	require.NoError(t, err)
	pemFile := filepath.Join(dir, "csca.pem")
	require.NoError(t, os.WriteFile(pemFile, pemOf(other.PKI().CSCA.Raw), 0o644))
	out.Reset()
	err = run(t.Context(), []string{"-csca", pemFile}, &out, &out)
	assert.ErrorIs(t, err, emrtd.ErrUntrustedSigner)
	assert.Contains(t, out.String(), "FAILED")

	assert.Error(t, run(t.Context(), []string{"-csca", filepath.Join(dir, "missing.pem")}, &out, &out))
}

// TestReadThroughPCSC reads the simulated CIE through the machine's pcscd.
func TestReadThroughPCSC(t *testing.T) {
	pcsclock.Acquire(t)
	c, err := pcsc.Open()
	if err != nil {
		if errors.Is(err, scard.ErrNoService) || errors.Is(err, errors.ErrUnsupported) {
			t.Skipf("PC/SC not available: %v", err)
		}
		require.NoError(t, err)
	}
	defer c.Close()
	readers, _ := c.Readers()
	if !strings.Contains(strings.Join(readers, "\n"), "Virtual PCD 00 00") {
		t.Skipf("vsmartcard-vpcd readers not configured: %q", readers)
	}
	// Leave the reader empty for the next user of pcscd.
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		assert.NoError(t, c.WaitForRemoval(ctx, "Virtual PCD 00 00"))
	}()
	var out bytes.Buffer
	require.NoError(t, run(t.Context(), []string{"-source", "pcsc-sim"}, &out, &out), out.String())
	assert.Contains(t, out.String(), "Simulated CIE inserted in \"Virtual PCD 00 00\" through pcscd")
	assert.Contains(t, out.String(), "OK: the data are as the issuer signed them")
}

func pemOf(der []byte) []byte { return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}) }
