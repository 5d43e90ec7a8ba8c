package emrtd

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestModelRoundTrip encodes every part of the LDS model the simulator
// writes and decodes it with the reader's parsers: one model, both sides.
func TestModelRoundTrip(t *testing.T) {
	t.Parallel()
	const mrz = "C<ITACA00000AA4<<<<<<<<<<<<<<<\n6408125M3310311ITA<<<<<<<<<<<0\nROSSI<<MARIO<<<<<<<<<<<<<<<<<<"
	got, err := ParseDG1(MarshalDG1(mrz))
	require.NoError(t, err)
	assert.Equal(t, mrz, got)
	got, err = ParseDG1(MarshalDG1("C<ITACA00000AA4<<<<<<<<<<<<<<<\r\n6408125M3310311ITA<<<<<<<<<<<0\r\nROSSI<<MARIO<<<<<<<<<<<<<<<<<<"))
	require.NoError(t, err)
	assert.Equal(t, mrz, got, "CRLF line breaks")

	for _, f := range []ImageFormat{ImageJPEG, ImageJPEG2000} {
		img := FaceImage{Format: f, Width: 480, Height: 640, Data: []byte{1, 2, 3, 4}}
		faces, err := ParseDG2(MarshalDG2(img))
		require.NoError(t, err)
		require.Len(t, faces, 1)
		assert.Equal(t, img, faces[0], "format %v", f)
	}

	d11 := DG11{FullName: "ROSSI<<MARIO", PersonalNumber: "RSSMRA64M12H501R", FullDateOfBirth: time.Date(1964, 8, 12, 0, 0, 0, 0, time.UTC),
		PlaceOfBirth: "ROMA<RM", Address: "VIA ROMA 1<ROMA<RM", Telephone: "0612345678", Profession: "IMPIEGATO"}
	p11, err := ParseDG11(d11.Marshal())
	require.NoError(t, err)
	assert.Equal(t, d11, *p11)

	d12 := DG12{IssuingAuthority: "COMUNE DI ROMA", DateOfIssue: time.Date(2023, 10, 31, 0, 0, 0, 0, time.UTC), Endorsements: "X", PersonalizationTime: "20231031120000"}
	p12, err := ParseDG12(d12.Marshal())
	require.NoError(t, err)
	assert.Equal(t, d12, *p12)

	com := COM{LDSVersion: "0107", UnicodeVersion: "040000", DataGroups: []int{1, 2, 3, 11, 12, 14}}
	pc, err := ParseCOM(com.Marshal())
	require.NoError(t, err)
	assert.Equal(t, com, *pc)

	dg3 := MarshalDG3([]byte("left"), nil, []byte("right"))
	assert.Equal(t, byte(0x63), dg3[0])
	assert.Contains(t, string(dg3), "left")
	assert.Contains(t, string(dg3), "right")
}
