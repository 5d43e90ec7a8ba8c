package emrtd_test

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cd computes an ICAO 9303-3 check digit.
func cd(s string) string {
	w := []int{7, 3, 1}
	sum := 0
	for i, c := range s {
		v := 0
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c >= 'A' && c <= 'Z':
			v = int(c-'A') + 10
		}
		sum += v * w[i%3]
	}
	return string(rune('0' + sum%10))
}

// td1 builds a valid CIE-style TD1 MRZ.
func td1(doc, birth, sex, expiry, names string) string {
	l1 := "C<ITA" + doc + cd(doc) + "<<<<<<<<<<<<<<<"
	l2 := birth + cd(birth) + sex + expiry + cd(expiry) + "ITA" + "<<<<<<<<<<<"
	comp := l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]
	l2 += cd(comp)
	l3 := names
	for len(l3) < 30 {
		l3 += "<"
	}
	return l1 + "\n" + l2 + "\n" + l3
}

var simMRZ = td1("CA00000AA", "640812", "M", "331031", "ROSSI<<MARIO")

const simCAN = "123456"

var simPKI = sync.OnceValue(func() *cardsim.PKI {
	p, err := cardsim.NewPKI(cardsim.PKIOptions{Rand: cardsim.DeterministicRand(1), KeyBits: 1024})
	if err != nil {
		panic(err)
	}
	return p
})

var simPhoto = append([]byte{0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A}, bytes.Repeat([]byte{0x42}, 5000)...)

func newSimCIE(t testing.TB, ecdh bool) *cardsim.CIE {
	t.Helper()
	c, err := cardsim.NewCIE(cardsim.CIEOptions{
		MRZ: simMRZ,
		Personal: emrtd.DG11{FullName: "ROSSI<<MARIO", PersonalNumber: "RSSMRA64M12H501R",
			FullDateOfBirth: time.Date(1964, 8, 12, 0, 0, 0, 0, time.UTC), PlaceOfBirth: "ROMA<RM", Address: "VIA ROMA 1<ROMA<RM"},
		Document: emrtd.DG12{IssuingAuthority: "COMUNE DI ROMA", DateOfIssue: time.Date(2023, 10, 31, 0, 0, 0, 0, time.UTC)},
		CAN:      mustCAN(simCAN),
		Photo:    simPhoto, PhotoType: emrtd.ImageJPEG2000, PhotoWidth: 480, PhotoHeight: 640,
		Fingerprints: [2][]byte{{1, 2, 3}, {4, 5, 6}},
		NIS:          "123456789012",
		PKI:          simPKI(),
		KeyBits:      1024,
		Rand:         cardsim.DeterministicRand(2),
		ECDH:         ecdh,
	})
	require.NoError(t, err)
	return c
}

func simKey(t testing.TB) emrtd.MRZKey {
	k, err := emrtd.MRZKeyFromMRZ(simMRZ)
	require.NoError(t, err)
	return k
}

func TestSimFullRead(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		ecdh   bool
		opts   func(k emrtd.MRZKey) emrtd.ReadOptions
		access string
	}{
		{"BAC", false, func(k emrtd.MRZKey) emrtd.ReadOptions { return emrtd.ReadOptions{MRZ: k, NoPACE: true} }, "BAC"},
		{"PACE-DH-CAN", false, func(k emrtd.MRZKey) emrtd.ReadOptions { return emrtd.ReadOptions{CAN: mustCAN(simCAN)} }, "PACE"},
		{"PACE-DH-MRZ", false, func(k emrtd.MRZKey) emrtd.ReadOptions { return emrtd.ReadOptions{MRZ: k} }, "PACE"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sim := newSimCIE(t, tc.ecdh)
			c := scard.NewCard(sim, scard.CardOptions{})
			e, err := emrtd.Read(t.Context(), c, tc.opts(simKey(t)))
			require.NoError(t, err)
			assert.Equal(t, tc.access, e.Access)
			assert.Equal(t, "0107", e.COM.LDSVersion)
			assert.Contains(t, e.COM.DataGroups, 3, "EF.COM lists DG3")
			assert.NotContains(t, e.DataGroupNumbers(), 3, "DG3 is not read without EAC")
			m, err := e.MRZLines()
			require.NoError(t, err)
			assert.Equal(t, simMRZ, m)
			mrz, err := e.MRZ()
			require.NoError(t, err)
			assert.Equal(t, "CA00000AA", mrz.DocumentNumber)
			assert.Equal(t, "ROSSI", mrz.Surname)
			assert.True(t, simKey(t).Equal(emrtd.MRZKeyFromCIE(mrz)), "MRZKeyFromCIE") // MRZKey is opaque: compared with Equal
			faces, err := e.Faces()
			require.NoError(t, err)
			require.Len(t, faces, 1)
			assert.Equal(t, emrtd.ImageJPEG2000, faces[0].Format)
			assert.Equal(t, simPhoto, faces[0].Data)
			d11, err := e.DG11()
			require.NoError(t, err)
			assert.Equal(t, "RSSMRA64M12H501R", d11.PersonalNumber)
			cf, err := d11.CodiceFiscale()
			require.NoError(t, err)
			assert.EqualValues(t, "RSSMRA64M12H501R", cf)
			assert.Equal(t, []string{"VIA ROMA 1", "ROMA", "RM"}, d11.AddressParts())
			d12, err := e.DG12()
			require.NoError(t, err)
			assert.Equal(t, 2023, d12.DateOfIssue.Year())

			res, err := e.Verify(emrtd.PAOptions{CSCA: simPKI().CSCAPool()})
			require.NoError(t, err)
			assert.Subset(t, res.Verified, []int{1, 2, 11, 12})
			assert.Contains(t, res.NotRead, 3)
		})
	}
}

func TestSimPassiveAuthenticationFailures(t *testing.T) {
	t.Parallel()
	sim := newSimCIE(t, false)
	dg11 := sim.DataGroup(11)
	forged := bytes.Replace(dg11, []byte("ROSSI"), []byte("BIANC"), 1)
	require.NoError(t, sim.SetDataGroup(11, forged))
	e, err := emrtd.Read(t.Context(), scard.NewCard(sim, scard.CardOptions{}), emrtd.ReadOptions{CAN: mustCAN(simCAN)})
	require.NoError(t, err)
	_, err = e.Verify(emrtd.PAOptions{CSCA: simPKI().CSCAPool()})
	require.ErrorIs(t, err, emrtd.ErrHashMismatch)
	var he *emrtd.HashMismatchError
	require.ErrorAs(t, err, &he)
	assert.Equal(t, 11, he.DG)

	other, err := cardsim.NewPKI(cardsim.PKIOptions{Rand: cardsim.DeterministicRand(99), KeyBits: 1024})
	require.NoError(t, err)
	_, err = e.Verify(emrtd.PAOptions{CSCA: other.CSCAPool()})
	require.ErrorIs(t, err, emrtd.ErrUntrustedSigner)
}

func TestSimWrongAccessKeys(t *testing.T) {
	t.Parallel()
	sim := newSimCIE(t, false)
	_, err := emrtd.Read(t.Context(), scard.NewCard(sim, scard.CardOptions{}), emrtd.ReadOptions{CAN: mustCAN("000000")})
	require.ErrorIs(t, err, scard.ErrAuthentication)
	wrong := emrtd.NewMRZKey("CA00000AA", "640813", "331031")
	_, err = emrtd.Read(t.Context(), scard.NewCard(sim, scard.CardOptions{}), emrtd.ReadOptions{MRZ: wrong, NoPACE: true})
	require.ErrorIs(t, err, scard.ErrAuthentication)
	// The card still works with the right key afterwards.
	_, err = emrtd.Read(t.Context(), scard.NewCard(sim, scard.CardOptions{}), emrtd.ReadOptions{CAN: mustCAN(simCAN)})
	require.NoError(t, err)
}

func TestSimRemovedMidRead(t *testing.T) {
	t.Parallel()
	sim := newSimCIE(t, false)
	sim.RemoveAfter(10) // after BAC and a few files (a full read is 17 APDUs)
	_, err := emrtd.Read(t.Context(), scard.NewCard(sim, scard.CardOptions{}), emrtd.ReadOptions{MRZ: simKey(t), NoPACE: true})
	require.ErrorIs(t, err, scard.ErrCardRemoved)
}

func TestSimCancelled(t *testing.T) {
	t.Parallel()
	sim := newSimCIE(t, false)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := emrtd.Read(ctx, scard.NewCard(sim, scard.CardOptions{}), emrtd.ReadOptions{CAN: mustCAN(simCAN)})
	require.ErrorIs(t, err, context.Canceled)
}

// mustCAN returns the CAN for 6 digits, or panics.
func mustCAN(digits string) emrtd.CAN {
	c, err := emrtd.NewCAN(digits)
	if err != nil {
		panic(err)
	}
	return c
}
