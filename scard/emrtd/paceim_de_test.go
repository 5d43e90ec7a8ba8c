package emrtd

import (
	"bufio"
	"bytes"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ciekit/ciekit/internal/tlv"
	"github.com/ciekit/ciekit/scard"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// camRecording is a PACE-CAM run with a real document, then its
// EF.CardSecurity read under secure messaging, as another implementation
// recorded it. The file (not redistributed with ciekit; see
// testdata/outside/README.md) holds "# key: value" lines (mrz: document
// number, birth and expiry dates; rand: the terminal's random bytes in
// hex; ks-enc, ks-mac: the session keys that implementation derived) and
// then one "command response" pair of hex APDUs per line.
type camRecording struct {
	mrz          [3]string
	rand         []byte
	ksEnc, ksMac []byte
	steps        [][2]string
}

func loadCAMRecording(t *testing.T) camRecording {
	t.Helper()
	dir := os.Getenv(vectorsEnv)
	if dir == "" {
		t.Skipf("real-document recordings are not redistributed with ciekit: set %s as testdata/outside/README.md says to run this test", vectorsEnv)
	}
	path := filepath.Join(dir, "pace-cam-de.txt")
	f, err := os.Open(path)
	require.NoError(t, err, "%s is set, but its directory lacks pace-cam-de.txt", vectorsEnv)
	defer f.Close()
	var r camRecording
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<16)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if line[0] == '#' {
			key, value, ok := strings.Cut(strings.TrimSpace(line[1:]), ":")
			value = strings.TrimSpace(value)
			switch {
			case !ok:
			case key == "mrz":
				fields := strings.Fields(value)
				require.Len(t, fields, 3, "%s: mrz wants document number, birth and expiry dates", path)
				copy(r.mrz[:], fields)
			case key == "rand":
				r.rand = hx(t, value)
			case key == "ks-enc":
				r.ksEnc = hx(t, value)
			case key == "ks-mac":
				r.ksMac = hx(t, value)
			}
			continue
		}
		cr := strings.Fields(line)
		require.Len(t, cr, 2, "%s: %q is not a command and a response", path, line)
		r.steps = append(r.steps, [2]string{cr[0], cr[1]})
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, r.mrz[0], "%s: no mrz line", path)
	require.GreaterOrEqual(t, len(r.steps), 7, "%s: PACE and at least two reads", path)
	return r
}

// TestPACECAMRealDocument replays a PACE-CAM run with a real document,
// recorded by another implementation, when $CIEKIT_EMRTD_VECTORS holds
// one: ciekit's terminal must send the same GENERAL AUTHENTICATE commands
// from the same keys, derive the same session keys, decrypt the chip's
// authentication data, rebuild the same secure messaging commands to read
// EF.CardSecurity, and verify the chip against the ECDH key of that signed
// file: a chip and a key nobody here made.
func TestPACECAMRealDocument(t *testing.T) {
	rec := loadCAMRecording(t)
	steps := rec.steps

	// MSE:SET AT as ciekit sends it (no DO 84 when the card offers one
	// parameter set), then the recorded run.
	paceSteps := append([][2]string{{"0022C1A40F800A04007F00070202040602830101", "9000"}}, steps[1:5]...)
	script := &scripted{t: t, steps: paceSteps}
	c := scard.NewCard(script, scard.CardOptions{Rand: bytes.NewReader(rec.rand)})
	info := PACEInfo{Protocol: oid(t, OIDPACEECDHCAMAES128), Version: 2, ParameterID: ParamBrainpool256}
	pw, err := MRZPassword(NewMRZKey(rec.mrz[0], rec.mrz[1], rec.mrz[2]))
	require.NoError(t, err)
	p, err := runPACE(t.Context(), c, info, pw)
	require.NoError(t, err)
	script.done()
	if rec.ksEnc != nil {
		assert.Equal(t, rec.ksEnc, p.kEnc, "KS_enc as the recording implementation derived it")
	}
	if rec.ksMac != nil {
		assert.Equal(t, rec.ksMac, p.kMac, "KS_mac as the recording implementation derived it")
	}
	require.NotNil(t, p.caIC, "chip authentication data decrypted and well padded")

	// EF.CardSecurity under secure messaging: SELECT 011D, READ BINARY of
	// the first 4 bytes for the length, then Le 00 until the end.
	sm := p.sm
	var file []byte
	total := -1
	for i, rs := range steps[5:] {
		cmd := scard.Command{INS: scard.InsSelect, P1: 0x02, P2: 0x0C, Data: []byte{0x01, 0x1D}}
		if i > 0 {
			off := len(file)
			ne := 4
			if total >= 0 {
				ne = min(scard.MaxShortNe, total-off)
			}
			cmd = scard.Command{INS: scard.InsReadBinary, P1: byte(off >> 8), P2: byte(off), Ne: ne}
		}
		w, err := sm.WrapCommand(cmd)
		require.NoError(t, err)
		b, err := w.Bytes()
		require.NoError(t, err)
		assert.Equal(t, hx(t, rs[0]), b, "protected command %d", i)
		r, err := scard.ParseResponse(hx(t, rs[1]))
		require.NoError(t, err)
		u, err := sm.UnwrapResponse(r)
		require.NoError(t, err, "response %d", i)
		require.Equal(t, scard.SWSuccess, u.SW)
		if i == 0 {
			continue
		}
		file = append(file, u.Data...)
		if total < 0 {
			_, n, hl, ok := tlv.Header(file)
			require.True(t, ok, "EF.CardSecurity header")
			total = hl + n
		}
	}
	require.Len(t, file, total, "the recording reads EF.CardSecurity to its end")
	cs, err := ParseCardSecurity(file)
	require.NoError(t, err)
	res := p.result(info)
	require.NoError(t, res.VerifyCAM(cs.SecurityInfos))
	assert.True(t, res.ChipAuthenticated)
	require.NotNil(t, res.ChipAuthenticationKey)
	assert.Equal(t, OIDPKECDH, res.ChipAuthenticationKey.Protocol.String())

	// A flipped bit in the chip authentication data is caught by the padding
	// or by the key check.
	bad := p.result(info)
	bad.caIC = new(big.Int).Add(bad.caIC, big.NewInt(1))
	require.ErrorIs(t, bad.VerifyCAM(cs.SecurityInfos), scard.ErrAuthentication)
}
