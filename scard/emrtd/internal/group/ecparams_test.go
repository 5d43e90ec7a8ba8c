package group

import (
	"crypto/elliptic"
	"encoding/asn1"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// explicitDER encodes SpecifiedECDomain parameters (SEC 1 C.2) of k with
// the base point g, the field type field and, unless nil, the cofactor h;
// extra elements follow the order (or the cofactor).
func explicitDER(k *KnownCurve, field asn1.ObjectIdentifier, g []byte, h *big.Int, extra ...[]byte) []byte {
	cp := k.Curve.Params()
	l := byteLen(cp.P)
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(1)
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(field)
			b.AddASN1BigInt(cp.P)
		})
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1OctetString(k.A.FillBytes(make([]byte, l)))
			b.AddASN1OctetString(cp.B.FillBytes(make([]byte, l)))
			b.AddASN1BitString([]byte{1, 2, 3}) // a seed, skipped
		})
		b.AddASN1OctetString(g)
		b.AddASN1BigInt(cp.N)
		if h != nil {
			b.AddASN1BigInt(h)
		}
		for _, e := range extra {
			b.AddBytes(e)
		}
	})
	return b.BytesOrPanic()
}

func uncompressedG(k *KnownCurve) []byte {
	cp := k.Curve.Params()
	l := byteLen(cp.P)
	return append(append([]byte{4}, cp.Gx.FillBytes(make([]byte, l))...), cp.Gy.FillBytes(make([]byte, l))...)
}

// TestKnownCurves checks the table against crypto/elliptic, the brainpool
// curves and the standardized domain parameters [Standard] implements.
func TestKnownCurves(t *testing.T) {
	t.Parallel()
	require.Len(t, KnownCurves(), 9)
	for _, k := range KnownCurves() {
		cp := k.Curve.Params()
		assert.Same(t, k, CurveByOID(k.OID), "CurveByOID(%s)", k.OID)
		assert.Same(t, k, CurveOf(k.Curve), "CurveOf(%s)", k.Name)
		assert.Same(t, k, MatchDomain(cp.P, k.A, cp.B, cp.N, uncompressedG(k)), "MatchDomain(%s)", k.Name)
		if ec, ok := Standard(k.ParamID).(*EC); ok {
			assert.Equal(t, k.Name, ec.Name(), "Standard(%d)", k.ParamID)
			assert.True(t, ec.p.Cmp(cp.P) == 0 && ec.a.Cmp(k.A) == 0 && ec.b.Cmp(cp.B) == 0 && ec.n.Cmp(cp.N) == 0 &&
				ec.g.X.Cmp(cp.Gx) == 0 && ec.g.Y.Cmp(cp.Gy) == 0, "Standard(%d) differs from %s", k.ParamID, k.Name)
		}
	}
	for _, id := range []int{10, 12, 13, 15, 18} {
		found := false
		for _, k := range KnownCurves() {
			found = found || k.ParamID == id
		}
		assert.True(t, found, "Standard(%d) has no KnownCurve", id)
	}
	assert.Same(t, Brainpool("brainpoolP384r1"), CurveByOID(asn1.ObjectIdentifier{1, 3, 36, 3, 3, 2, 8, 1, 1, 11}).Curve)
	assert.Nil(t, CurveByOID(asn1.ObjectIdentifier{1, 3, 132, 0, 10}), "secp256k1")
	assert.Nil(t, CurveOf(nil))

	p := elliptic.P256().Params()
	k := CurveOf(elliptic.P256())
	twoG := Standard(12).(*EC)
	assert.Nil(t, MatchDomain(p.P, k.A, p.B, p.N, twoG.Encode(twoG.Mul(twoG.g, big.NewInt(2)))), "another base point")
	assert.Nil(t, MatchDomain(p.P, big.NewInt(5), p.B, p.N, uncompressedG(k)), "another a")
	assert.Nil(t, MatchDomain(p.P, k.A, p.B, p.N, uncompressedG(k)[:64]), "short base point")
	assert.Nil(t, MatchDomain(new(big.Int).Neg(p.P), k.A, p.B, p.N, uncompressedG(k)), "negative prime")
	assert.Nil(t, MatchDomain(nil, nil, nil, nil, nil))
}

func TestParseECParameters(t *testing.T) {
	t.Parallel()
	bp384 := CurveByOID(asn1.ObjectIdentifier{1, 3, 36, 3, 3, 2, 8, 1, 1, 11})
	named, err := asn1.Marshal(bp384.OID)
	require.NoError(t, err)
	other, err := asn1.Marshal(asn1.ObjectIdentifier{1, 3, 132, 0, 10})
	require.NoError(t, err)
	g := uncompressedG(bp384)
	hashAlg := []byte{0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01} // SEC 1 hash, skipped
	tests := []struct {
		name      string
		der       []byte
		want      *KnownCurve
		parseErr  error
		curveErr  error
		wantNamed bool
	}{
		{name: "named", der: named, want: bp384, wantNamed: true},
		{name: "explicit", der: explicitDER(bp384, oidPrimeField, g, nil), want: bp384},
		{name: "explicit cofactor 1 and hash", der: explicitDER(bp384, oidPrimeField, g, big.NewInt(1), hashAlg), want: bp384},
		{name: "explicit hash without cofactor", der: explicitDER(bp384, oidPrimeField, g, nil, hashAlg), want: bp384},
		{name: "unknown named", der: other, curveErr: ErrUnknownCurve, wantNamed: true},
		{name: "cofactor 4", der: explicitDER(bp384, oidPrimeField, g, big.NewInt(4)), curveErr: ErrCofactor},
		{name: "characteristic-two", der: explicitDER(bp384, asn1.ObjectIdentifier{1, 2, 840, 10045, 1, 2}, g, nil), curveErr: ErrNotPrimeField},
		{name: "compressed base point", der: explicitDER(bp384, oidPrimeField, append([]byte{2}, g[1:49]...), nil), curveErr: ErrUnknownCurve},
		{name: "named with trailing bytes", der: append(named, 0), parseErr: ErrMalformedNamedCurve},
		{name: "explicit with trailing bytes", der: append(explicitDER(bp384, oidPrimeField, g, nil), 0), parseErr: ErrMalformedDomain},
		{name: "truncated", der: explicitDER(bp384, oidPrimeField, g, nil)[:40], parseErr: ErrMalformedDomain},
		{name: "empty", der: nil, parseErr: ErrMalformedDomain},
		{name: "malformed cofactor", der: explicitDER(bp384, oidPrimeField, g, nil, []byte{0x02, 0x02, 0x00, 0x01}), parseErr: ErrMalformedDomain},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e, err := ParseECParameters(tc.der)
			if tc.parseErr != nil {
				require.ErrorIs(t, err, tc.parseErr)
				assert.Nil(t, e)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.wantNamed, e.Named != nil, "named")
			k, err := e.Curve()
			if tc.curveErr != nil {
				require.ErrorIs(t, err, tc.curveErr)
				assert.Nil(t, k)
				return
			}
			require.NoError(t, err)
			assert.Same(t, tc.want, k)
		})
	}
}

// FuzzParseECParameters checks that ECParameters parsing never panics,
// gives no partial result with an error, and that a recognised curve comes
// only from a named OID or the curve's own parameters.
func FuzzParseECParameters(f *testing.F) {
	for _, k := range KnownCurves() {
		named, _ := asn1.Marshal(k.OID)
		f.Add(named)
		f.Add(explicitDER(k, oidPrimeField, uncompressedG(k), big.NewInt(1)))
	}
	f.Fuzz(func(t *testing.T, der []byte) {
		e, err := ParseECParameters(der)
		if err != nil {
			if e != nil {
				t.Fatalf("ParseECParameters(%X) = %v and error %v", der, e, err)
			}
			return
		}
		k, err := e.Curve()
		if (k == nil) == (err == nil) {
			t.Fatalf("Curve() = %v, %v", k, err)
		}
		if k == nil || e.Named != nil {
			return
		}
		cp := k.Curve.Params()
		if e.P.Cmp(cp.P) != 0 || e.A.Cmp(k.A) != 0 || e.B.Cmp(cp.B) != 0 || e.N.Cmp(cp.N) != 0 {
			t.Fatalf("ParseECParameters(%X).Curve() = %s with other parameters", der, k.Name)
		}
	})
}
