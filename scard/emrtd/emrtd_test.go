package emrtd

import (
	"bytes"
	"crypto"
	"testing"
	"time"

	"github.com/ciekit/ciekit/internal/tlv"
	"github.com/ciekit/ciekit/scard"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testMRZ = "C<ITACA00000AA4<<<<<<<<<<<<<<<\n6408125F3310318ITA<<<<<<<<<<<6\nROSSI<<MARIO<<<<<<<<<<<<<<<<<<"

func newFSCard(t *testing.T, pace bool) (*fsCard, MRZKey) {
	t.Helper()
	pki := pkiOnce()
	key := NewMRZKey("CA00000AA", "640812", "331031")
	face := append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte{7}, 3000)...)
	dg11 := &DG11{FullName: "ROSSI<<MARIO", PersonalNumber: "RSSMRA64M12H501R", PlaceOfBirth: "ROMA<RM",
		Address: "VIA ROMA 1<ROMA<RM", FullDateOfBirth: time.Date(1964, 8, 12, 0, 0, 0, 0, time.UTC)}
	dg12 := &DG12{IssuingAuthority: "COMUNE DI ROMA", DateOfIssue: time.Date(2023, 10, 31, 0, 0, 0, 0, time.UTC)}
	dgs := map[int][]byte{1: MarshalDG1(testMRZ), 2: MarshalDG2(FaceImage{Format: ImageJPEG, Width: 240, Height: 320, Data: face}),
		11: dg11.Marshal(), 12: dg12.Marshal()}
	sod, err := CreateSOD(dgs, pki.dsCert, pki.dsKey, SODOptions{Hash: crypto.SHA256})
	require.NoError(t, err)
	com := &COM{LDSVersion: "0107", UnicodeVersion: "040000", DataGroups: []int{1, 2, 3, 11, 12}}
	app := map[uint16][]byte{FIDCOM: com.Marshal(), FIDSOD: sod}
	for n, b := range dgs {
		app[FIDDataGroup(n)] = b
	}
	bac, err := NewBACChip(key, nil)
	require.NoError(t, err)
	c := &fsCard{mf: map[uint16][]byte{}, app: app, bac: bac}
	if pace {
		info := PACEInfo{Protocol: oid(t, OIDPACEDHGM3DES), Version: 2, ParameterID: ParamDH2048256}
		pi, err := info.Marshal()
		require.NoError(t, err)
		c.mf[FIDCardAccess] = MarshalSecurityInfos(pi)
		c.paceInfo = info
		c.pw, err = CANPassword("123456")
		require.NoError(t, err)
	}
	return c, key
}

func TestReadEMRTD(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		pace   bool
		opts   func(MRZKey) ReadOptions
		access string
	}{
		{"BAC", false, func(k MRZKey) ReadOptions { return ReadOptions{MRZ: k} }, "BAC"},
		{"PACE-CAN", true, func(k MRZKey) ReadOptions { return ReadOptions{CAN: mustCAN("123456")} }, "PACE"},
		{"BAC-forced", true, func(k MRZKey) ReadOptions { return ReadOptions{MRZ: k, NoPACE: true} }, "BAC"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			card, key := newFSCard(t, tc.pace)
			c := scard.NewCard(card, scard.CardOptions{})
			e, err := Read(t.Context(), c, tc.opts(key))
			require.NoError(t, err)
			assert.Equal(t, tc.access, e.Access)
			assert.Equal(t, []int{1, 2, 11, 12}, e.DataGroupNumbers())
			m, err := e.MRZLines()
			require.NoError(t, err)
			assert.Equal(t, testMRZ, m)
			faces, err := e.Faces()
			require.NoError(t, err)
			require.Len(t, faces, 1)
			assert.Equal(t, ImageJPEG, faces[0].Format)
			assert.Equal(t, 240, faces[0].Width)
			assert.Equal(t, 3004, len(faces[0].Data))
			d11, err := e.DG11()
			require.NoError(t, err)
			assert.Equal(t, "ROSSI", d11.Surname())
			assert.Equal(t, "MARIO", d11.GivenNames())
			assert.Equal(t, []string{"ROMA", "RM"}, d11.PlaceOfBirthParts())
			assert.Equal(t, "RSSMRA64M12H501R", d11.PersonalNumber)
			assert.Equal(t, 1964, d11.FullDateOfBirth.Year())
			d12, err := e.DG12()
			require.NoError(t, err)
			assert.Equal(t, "COMUNE DI ROMA", d12.IssuingAuthority)
			res, err := e.Verify(PAOptions{CSCA: pool(pkiOnce().csca)})
			require.NoError(t, err)
			assert.Equal(t, []int{1, 2, 11, 12}, res.Verified)
		})
	}
}

func TestReadEMRTDWrongKeys(t *testing.T) {
	t.Parallel()
	card, _ := newFSCard(t, true)
	_, err := Read(t.Context(), scard.NewCard(card, scard.CardOptions{}), ReadOptions{CAN: mustCAN("654321")})
	require.ErrorIs(t, err, scard.ErrAuthentication)
	wrong := NewMRZKey("CA00000AA", "640812", "331030")
	_, err = Read(t.Context(), scard.NewCard(card, scard.CardOptions{}), ReadOptions{MRZ: wrong, NoPACE: true})
	require.ErrorIs(t, err, scard.ErrAuthentication)
	_, err = Read(t.Context(), scard.NewCard(card, scard.CardOptions{}), ReadOptions{})
	require.ErrorIs(t, err, scard.ErrInvalidKey)
}

func TestReadLargeFileOddOffsets(t *testing.T) {
	t.Parallel()
	card, key := newFSCard(t, false)
	photo := make([]byte, 40000) // DG2 beyond the 32767 offsets of READ BINARY B0
	for i := range photo {
		photo[i] = byte(i * 7)
	}
	photo[0], photo[1] = 0xFF, 0xD8
	card.app[FIDDataGroup(2)] = MarshalDG2(FaceImage{Format: ImageJPEG, Data: photo})
	// Short Le (a reader without extended lengths), so that the read walks
	// through many offsets, past 0x7FFF with READ BINARY B1.
	c := scard.NewCard(card, scard.CardOptions{NoExtended: true})
	var calls, last int
	progress := func(file string, read, total int) {
		if file == "DG2" {
			calls++
			assert.Greater(t, read, last)
			last = read
			assert.Equal(t, len(card.app[FIDDataGroup(2)]), total)
		}
	}
	e, err := Read(t.Context(), c, ReadOptions{MRZ: key, DataGroups: []int{2}, Progress: progress})
	require.NoError(t, err)
	assert.Equal(t, len(card.app[FIDDataGroup(2)]), last, "progress reaches the file size")
	assert.Greater(t, calls, 100)
	faces, err := e.Faces()
	require.NoError(t, err)
	assert.Equal(t, photo, faces[0].Data)
	// PA fails for DG2 (the SOD hashes the small photo): the DG is named.
	_, err = e.Verify(PAOptions{CSCA: pool(pkiOnce().csca)})
	var he *HashMismatchError
	require.ErrorAs(t, err, &he)
	assert.Equal(t, 2, he.DG)
}

func TestReadEMRTDFallsBackToBAC(t *testing.T) {
	t.Parallel()
	card, key := newFSCard(t, true)
	// A reader without extended APDUs cannot run DH-2048 PACE: BAC instead.
	c := scard.NewCard(card, scard.CardOptions{NoExtended: true})
	e, err := Read(t.Context(), c, ReadOptions{MRZ: key, DataGroups: []int{1}})
	require.NoError(t, err)
	assert.Equal(t, "BAC", e.Access)
	// With only the CAN there is nothing to fall back to.
	_, err = Read(t.Context(), scard.NewCard(card, scard.CardOptions{NoExtended: true}), ReadOptions{CAN: mustCAN("123456")})
	require.ErrorIs(t, err, scard.ErrNotSupported)
}

func TestParseDG2Fallback(t *testing.T) {
	t.Parallel()
	jp2 := []byte{0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A, 1, 2, 3}
	var b tlv.Builder
	b.AddConstructed(0x75, func(b *tlv.Builder) {
		b.AddConstructed(0x7F61, func(b *tlv.Builder) {
			b.Add(0x02, []byte{1})
			b.AddConstructed(0x7F60, func(b *tlv.Builder) {
				b.Add(0x5F2E, append([]byte{0xA1, 0x02, 0x00, 0x00}, jp2...))
			})
		})
	})
	faces, err := ParseDG2(b.Bytes())
	require.NoError(t, err)
	assert.Equal(t, ImageJPEG2000, faces[0].Format)
	assert.Equal(t, jp2, faces[0].Data)
}

// mustCAN returns the CAN for 6 digits, or panics.
func mustCAN(digits string) CAN {
	c, err := NewCAN(digits)
	if err != nil {
		panic(err)
	}
	return c
}

func TestChipAuthString(t *testing.T) {
	t.Parallel()
	for a, want := range map[ChipAuth]string{
		ChipAuthNone: "none", ChipAuthCA: "CA", ChipAuthPACECAMDG14: "PACE-CAM/DG14",
		ChipAuthPACECAMCardSecurity: "PACE-CAM/EF.CardSecurity", 9: "ChipAuth(9)",
	} {
		assert.Equal(t, want, a.String(), "ChipAuth(%d).String()", int(a))
	}
}
