package faceimage_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciekit/ciekit/biometric/faceimage"
)

// passportJP2 is a 480x640 JPEG 2000 face written by opj_compress
// (biometric/jpeg2000/testdata/README.md).
func passportJP2(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("../jpeg2000/testdata/face_passport.jp2")
	require.NoError(t, err)
	return b
}

func sampleRecord(t testing.TB) *faceimage.Record {
	t.Helper()
	im, err := faceimage.NewImage(faceimage.DataJPEG2000, passportJP2(t))
	require.NoError(t, err)
	im.Gender = faceimage.GenderFemale
	im.EyeColour = faceimage.EyeBrown
	im.HairColour = faceimage.HairBlack
	im.Features = faceimage.FeaturesSpecified | faceimage.FeatureGlasses
	im.Expression = faceimage.ExpressionNeutral
	im.Pose = faceimage.Pose{Yaw: 91, Pitch: 92, Roll: 90}
	im.Source = faceimage.SourcePhotoDigitalCam
	im.FeaturePoints = []faceimage.FeaturePoint{
		{Type: 1, Code: 0x31, X: 180, Y: 260}, // MPEG-4 point 3.1, pixel coordinates
		{Type: 1, Code: 0x32, X: 300, Y: 260},
	}
	return &faceimage.Record{Images: []faceimage.Image{*im}}
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	rec := sampleRecord(t)
	b, err := rec.MarshalBinary()
	require.NoError(t, err)
	assert.Equal(t, []byte("FAC\x00010\x00"), b[:8], "header")
	assert.Equal(t, uint32(len(b)), binary.BigEndian.Uint32(b[8:]), "length of record")
	got, err := faceimage.Parse(b)
	require.NoError(t, err)
	require.Len(t, got.Images, 1)
	g := got.Images[0]
	assert.Equal(t, faceimage.GenderFemale, g.Gender)
	assert.Equal(t, faceimage.DataJPEG2000, g.DataType)
	assert.Equal(t, uint16(480), g.Width)
	assert.Equal(t, uint16(640), g.Height)
	assert.Equal(t, faceimage.ColourRGB24, g.ColourSpace)
	assert.Equal(t, rec.Images[0].FeaturePoints, g.FeaturePoints)
	assert.Equal(t, 3, g.FeaturePoints[0].Major())
	assert.Equal(t, 1, g.FeaturePoints[0].Minor())
	yaw, pitch, roll, ok := g.Pose.Angles()
	assert.Equal(t, [3]int{0, 2, -2}, [3]int{yaw, pitch, roll}, "Pose.Angles")
	assert.Equal(t, [3]bool{true, true, true}, ok)
	again, err := got.Append(nil)
	require.NoError(t, err)
	assert.Equal(t, b, again, "Append(Parse(b))")

	img, err := g.Decode()
	require.NoError(t, err)
	assert.Equal(t, image.Rect(0, 0, 480, 640), img.Bounds())
}

func TestJPEGBody(t *testing.T) {
	t.Parallel()
	src := image.NewGray(image.Rect(0, 0, 40, 50))
	for i := range src.Pix {
		src.Pix[i] = uint8(i)
	}
	var buf bytes.Buffer
	require.NoError(t, jpeg.Encode(&buf, src, nil))
	im, err := faceimage.NewImage(faceimage.DataJPEG, buf.Bytes())
	require.NoError(t, err)
	assert.Equal(t, faceimage.ColourGrey8, im.ColourSpace)
	rec := faceimage.Record{Images: []faceimage.Image{*im, *im}}
	b, err := rec.MarshalBinary()
	require.NoError(t, err)
	got, err := faceimage.Parse(b)
	require.NoError(t, err)
	require.Len(t, got.Images, 2)
	img, err := got.Images[1].Decode()
	require.NoError(t, err)
	assert.Equal(t, color.GrayModel, img.ColorModel())
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	good, err := sampleRecord(t).MarshalBinary()
	require.NoError(t, err)
	mod := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	tests := []struct {
		name   string
		in     []byte
		want   error
		field  string
		offset int
	}{
		{"short", good[:10], faceimage.ErrMalformed, "record header", 0},
		{"format", mod(func(b []byte) []byte { b[0] = 'X'; return b }), faceimage.ErrMalformed, "format identifier", 0},
		{"2011 version", mod(func(b []byte) []byte { copy(b[4:], "030\x00"); return b }), faceimage.ErrUnsupported, "version number", 4},
		{"record length", good[:len(good)-1], faceimage.ErrMalformed, "length of record", 8},
		{"no images", mod(func(b []byte) []byte { b[12], b[13] = 0, 0; return b }), faceimage.ErrMalformed, "number of facial images", 12},
		{"block too long", mod(func(b []byte) []byte { binary.BigEndian.PutUint32(b[14:], uint32(len(b))); return b }), faceimage.ErrMalformed, "image 0 facial record data length", 14},
		{"block shorter than its points", mod(func(b []byte) []byte { binary.BigEndian.PutUint32(b[14:], 40); return b }), faceimage.ErrMalformed, "image 0 facial record data length", 14},
		{"pose", mod(func(b []byte) []byte { b[14+15] = 200; return b }), faceimage.ErrMalformed, "image 0 pose angle", 29},
		{"trailing image count", mod(func(b []byte) []byte { b[13] = 2; return b }), faceimage.ErrMalformed, "image 1 facial information", len(good)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec, err := faceimage.Parse(tc.in)
			require.ErrorIs(t, err, tc.want)
			assert.Nil(t, rec)
			var fe *faceimage.FieldError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tc.field, fe.Field, "Parse(%s): %v", tc.name, err)
			assert.Equal(t, tc.offset, fe.Offset, "Parse(%s): %v", tc.name, err)
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	rec := sampleRecord(t)
	b, err := rec.MarshalBinary()
	require.NoError(t, err)
	dataOff := 14 + 20 + 2*8 + 12

	wrongSize := *rec
	wrongSize.Images = []faceimage.Image{rec.Images[0]}
	wrongSize.Images[0].Width = 400
	b2, err := wrongSize.MarshalBinary()
	require.NoError(t, err)
	p, err := faceimage.Parse(b2)
	require.NoError(t, err)
	_, err = p.Images[0].Decode()
	require.ErrorIs(t, err, faceimage.ErrMalformed)
	var fe *faceimage.FieldError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "image information width/height", fe.Field)
	assert.Equal(t, dataOff-12+2, fe.Offset)

	// Corrupt the JPEG 2000 codestream: the error names the image data and
	// wraps the decoder's error.
	bad := append([]byte(nil), b...)
	for i := dataOff + 200; i < dataOff+260; i++ {
		bad[i] = 0xFF
	}
	p, err = faceimage.Parse(bad)
	require.NoError(t, err)
	_, err = p.Images[0].Decode()
	require.Error(t, err)
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "image data", fe.Field)
	assert.Equal(t, dataOff, fe.Offset)

	typ := *p
	typ.Images = []faceimage.Image{p.Images[0]}
	typ.Images[0].DataType = 7
	_, err = typ.Images[0].Decode()
	require.ErrorIs(t, err, faceimage.ErrUnsupported)
}

func TestAppendErrors(t *testing.T) {
	t.Parallel()
	_, err := (&faceimage.Record{}).MarshalBinary()
	require.ErrorIs(t, err, faceimage.ErrMalformed)
	r := faceimage.Record{Images: []faceimage.Image{{Features: 1 << 24}}}
	dst := []byte("keep")
	out, err := r.Append(dst)
	require.ErrorIs(t, err, faceimage.ErrMalformed)
	assert.Equal(t, []byte("keep"), out)
	assert.False(t, errors.Is(err, faceimage.ErrUnsupported))
}

func FuzzParse(f *testing.F) {
	b, err := sampleRecord(f).MarshalBinary()
	require.NoError(f, err)
	f.Add(b)
	small := faceimage.Record{Images: []faceimage.Image{{Data: []byte{1, 2, 3}, FeaturePoints: []faceimage.FeaturePoint{{Type: 1}}}, {}}}
	sb, err := small.MarshalBinary()
	require.NoError(f, err)
	f.Add(sb)
	f.Fuzz(func(t *testing.T, b []byte) {
		rec, err := faceimage.Parse(b)
		if err != nil {
			if rec != nil {
				t.Fatalf("Parse returned a record with error %v", err)
			}
			var fe *faceimage.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("Parse error %v is not a *FieldError", err)
			}
			return
		}
		out, err := rec.Append(nil)
		if err != nil {
			t.Fatalf("Append(Parse(b)): %v", err)
		}
		if !bytes.Equal(out, b) {
			t.Fatalf("Append(Parse(b)) differs from b")
		}
		for i := range rec.Images {
			if len(rec.Images[i].Data) < 3000 {
				rec.Images[i].Decode() // must not panic
			}
		}
	})
}

func BenchmarkParse(b *testing.B) {
	data, err := sampleRecord(b).MarshalBinary()
	require.NoError(b, err)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := faceimage.Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseDecode(b *testing.B) {
	data, err := sampleRecord(b).MarshalBinary()
	require.NoError(b, err)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		rec, err := faceimage.Parse(data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := rec.Images[0].Decode(); err != nil {
			b.Fatal(err)
		}
	}
}
