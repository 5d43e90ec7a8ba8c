package cvc_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/emrtd/cvc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// TestCVCEncoding checks the fields of a certificate against encodings
// written by hand from BSI TR-03110 part 3 (v2.21) appendix C and D: C.1
// (the body's data objects in order, profile 00), D.2.1.3 (dates as six
// unpacked BCD digits), C.4.1 table C.4 (id-IS 0.4.0.127.0.7.3.1.2.1 and
// the one-byte authorization: role in bits 7-6, DG4 bit 1, DG3 bit 0) and
// A.6.4 (id-TA-ECDSA-SHA-256 0.4.0.127.0.7.2.2.2.2.3). BSI publishes no
// raw CV certificate, so the signature is a placeholder: parsing does not
// check it.
func TestEncoding(t *testing.T) {
	point := "04" + strings.Repeat("11", 64)
	car := hex.EncodeToString([]byte("ITCVCA00001"))
	chr := hex.EncodeToString([]byte("ITWS00001"))
	key := "060A" + "04007F00070202020203" + "8641" + point
	inner := "5F290100" +
		"420B" + car +
		"7F494F" + key +
		"5F2009" + chr +
		"7F4C0E" + "0609" + "04007F000703010201" + "530101" + // IS, DG3
		"5F2506" + "020400030001" + // 2024-03-01
		"5F2406" + "020400030003" // 2024-03-03
	sig := "5F3740" + strings.Repeat("22", 64)
	bodyHex := "7F4E81" + hex.EncodeToString([]byte{byte(len(inner) / 2)}) + inner
	all := bodyHex + sig
	der, err := hex.DecodeString("7F2181" + hex.EncodeToString([]byte{byte(len(all) / 2)}) + all)
	require.NoError(t, err)
	c, err := cvc.Parse(der)
	require.NoError(t, err)
	assert.Equal(t, "ITCVCA00001", c.CAR)
	assert.Equal(t, "ITWS00001", c.CHR)
	assert.Equal(t, cvc.OIDTAECDSASHA256, c.KeyAlgorithm)
	assert.Equal(t, cvc.RoleIS, c.Role)
	assert.Equal(t, cvc.ReadDG3, c.Rights)
	assert.Equal(t, day(2024, 3, 1), c.EffectiveDate)
	assert.Equal(t, day(2024, 3, 3), c.ExpirationDate)
	assert.Nil(t, c.PublicKey, "EC key without domain parameters has no curve until CheckSignatureFrom")
	assert.Equal(t, der, c.Raw)
	assert.True(t, c.ValidAt(day(2024, 3, 3).Add(23*time.Hour)), "valid through the expiration day")
	assert.False(t, c.ValidAt(day(2024, 3, 4)), "expired the day after")
	// PSO:VERIFY CERTIFICATE form: body and signature without 7F21.
	body2, _ := hex.DecodeString(all)
	c2, err := cvc.Parse(body2)
	require.NoError(t, err)
	assert.Equal(t, der, c2.Raw, "Raw rebuilt from body and signature")
}

type chainKey struct {
	name   string
	alg    string
	signer crypto.Signer
}

func TestChainRoundTrip(t *testing.T) {
	ec256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ec384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	for _, tc := range []chainKey{
		{"ECDSA-P256-SHA256", cvc.OIDTAECDSASHA256, ec256},
		{"ECDSA-P384-SHA384", cvc.OIDTAECDSASHA384, ec384},
		{"RSA-v1.5-SHA256", cvc.OIDTARSAv15SHA256, rsaKey},
		{"RSA-PSS-SHA256", cvc.OIDTARSAPSSSHA256, rsaKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmpl := &cvc.Certificate{CAR: "UTCVCA00001", CHR: "UTCVCA00001", KeyAlgorithm: tc.alg, Role: cvc.RoleCVCA, Rights: cvc.ReadDG3 | cvc.ReadDG4, EffectiveDate: day(2024, 1, 1), ExpirationDate: day(2027, 12, 31)}
			der, err := cvc.Create(nil, tmpl, tc.signer.Public(), nil, tc.signer)
			require.NoError(t, err)
			cvca, err := cvc.Parse(der)
			require.NoError(t, err)
			require.NoError(t, cvca.CheckSignatureFrom(cvca), "self-signed")
			dvTmpl := &cvc.Certificate{CAR: cvca.CHR, CHR: "UTDV0001", KeyAlgorithm: tc.alg, Role: cvc.RoleDVDomestic, Rights: cvc.ReadDG3, EffectiveDate: day(2024, 1, 1), ExpirationDate: day(2025, 1, 1)}
			dvDER, err := cvc.Create(nil, dvTmpl, tc.signer.Public(), cvca, tc.signer)
			require.NoError(t, err)
			dv, err := cvc.Parse(dvDER)
			require.NoError(t, err)
			require.NoError(t, dv.CheckSignatureFrom(cvca))
			assert.NotNil(t, dv.PublicKey, "key resolved from the issuer")
			assert.Equal(t, cvc.RoleDVDomestic, dv.Role)
			// Any changed byte of the body breaks the signature.
			bad := bytes.Clone(dvDER)
			i := bytes.Index(bad, []byte("UTDV0001"))
			bad[i+4] = '9'
			forged, err := cvc.Parse(bad)
			require.NoError(t, err)
			assert.ErrorIs(t, forged.CheckSignatureFrom(cvca), cvc.ErrSignature)
		})
	}
}

func TestParseErrors(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	good, err := cvc.Create(nil, &cvc.Certificate{CAR: "UTCVCA00001", CHR: "UTCVCA00001", KeyAlgorithm: cvc.OIDTAECDSASHA256, Role: cvc.RoleCVCA, EffectiveDate: day(2024, 1, 1), ExpirationDate: day(2024, 12, 31)}, &ec.PublicKey, nil, ec)
	require.NoError(t, err)
	mut := func(old, new string) []byte {
		o, _ := hex.DecodeString(old)
		n, _ := hex.DecodeString(new)
		require.True(t, bytes.Contains(good, o), "fixture contains %s", old)
		return bytes.Replace(bytes.Clone(good), o, n, 1)
	}
	tests := []struct {
		name  string
		in    []byte
		field string
	}{
		{"empty", nil, "7F4E body"},
		{"truncated", good[:len(good)-3], "7F21 certificate"},
		{"trailing", append(bytes.Clone(good), 0), "7F21 certificate"},
		{"profile 1", mut("5F290100", "5F290101"), "5F29 profile identifier"},
		{"date digit", mut("5F2506020400010001", "5F250602040001000A"), "5F25 effective date"},
		{"date 31 Feb", mut("5F2406020401020301", "5F2406020400020301"), "5F24 expiration date"},
		{"other terminal type", mut("04007F000703010201", "04007F000703010202"), "7F4C CHAT"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := cvc.Parse(tc.in)
			var ce *cvc.FieldError
			require.ErrorAs(t, err, &ce, "Parse(%s)", tc.name)
			assert.Equal(t, tc.field, ce.Field)
			assert.ErrorIs(t, err, scard.ErrMalformedData)
		})
	}
}

// addSeedFiles adds every file matching pattern to f's seed corpus.
func addSeedFiles(f *testing.F, pattern string) {
	files, _ := filepath.Glob(pattern)
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// checkRejected fails unless a rejected input gave a *FieldError and no
// partial result.
func checkRejected(t *testing.T, partial bool, err error) {
	t.Helper()
	if partial {
		t.Fatalf("partial result with error %v", err)
	}
	var ce *cvc.FieldError
	if !errors.As(err, &ce) {
		t.Fatalf("error %v is not a *FieldError", err)
	}
}

func FuzzParse(f *testing.F) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 1024)
	for _, k := range []struct {
		alg string
		s   crypto.Signer
	}{{cvc.OIDTAECDSASHA256, ec}, {cvc.OIDTARSAv15SHA256, rsaKey}} {
		der, err := cvc.Create(nil, &cvc.Certificate{CAR: "UTCVCA00001", CHR: "UTCVCA00001", KeyAlgorithm: k.alg, Role: cvc.RoleCVCA, Rights: 3, EffectiveDate: day(2024, 1, 1), ExpirationDate: day(2024, 12, 31)}, k.s.Public(), nil, k.s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(der)
		f.Add(der[4:]) // body and signature, as PSO:VERIFY CERTIFICATE sends them
	}
	// Certificates made by OpenPACE and by Create on every algorithm
	// (scripts/compare-cvc/run.sh).
	addSeedFiles(f, "testdata/*/*/*.cvcert")
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := cvc.Parse(b)
		if err != nil {
			checkRejected(t, c != nil, err)
			return
		}
		c2, err := cvc.Parse(c.Raw)
		if err != nil {
			t.Fatalf("re-parsing Raw: %v", err)
		}
		if !bytes.Equal(c2.Raw, c.Raw) || c2.CHR != c.CHR || c2.CAR != c.CAR || !c2.ExpirationDate.Equal(c.ExpirationDate) || c2.Rights != c.Rights {
			t.Fatalf("re-parse differs")
		}
		_ = c.CheckSignatureFrom(c) // must not panic
	})
}
