package main

import (
	"bytes"
	"context"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
}

func TestReadSimulatedBAC(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	mrz := "C<ITACA00000AA4<<<<<<<<<<<<<<<\n6412308F3412309ITA<<<<<<<<<<<4\nROSSI<<BIANCA<<<<<<<<<<<<<<<<<"
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

	assert.Error(t, run(t.Context(), []string{"-source", "floppy"}, &out, &out))
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
