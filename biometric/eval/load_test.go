package eval_test

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"

	"github.com/ciekit/ciekit/biometric"
	"github.com/ciekit/ciekit/biometric/eval"
	"github.com/ciekit/ciekit/biometric/fingerimage"
	"github.com/ciekit/ciekit/biometric/scansim"
	"github.com/ciekit/ciekit/biometric/wsq"
)

// synth is a synthetic print: a grey image with its ground truth.
func synth(t testing.TB, seed uint64) *scansim.Impression {
	t.Helper()
	return scansim.Generate(seed, 300, 360)
}

func TestReadPrintsPNG(t *testing.T) {
	im := synth(t, 1)
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, im.Image))
	ps, err := eval.ReadPrints("dir/101_1.png", buf.Bytes())
	require.NoError(t, err)
	require.Len(t, ps, 1)
	assert.Equal(t, "101_1.png", ps[0].Name)
	assert.Zero(t, ps[0].PPI, "PNG declares no resolution")
	assert.Equal(t, 569, ps[0].Resolution(569))
	assert.Equal(t, im.Image.Pix, ps[0].Image.(*image.Gray).Pix)
}

func TestReadPrintsWSQ(t *testing.T) {
	im := synth(t, 2)
	var buf bytes.Buffer
	require.NoError(t, wsq.Encode(&buf, im.Image, &wsq.Options{BitRate: 2.25, PPI: 1000}))
	for _, name := range []string{"a.wsq", "no-extension"} { // recognised by content
		ps, err := eval.ReadPrints(name, buf.Bytes())
		require.NoError(t, err, name)
		require.Len(t, ps, 1)
		assert.Equal(t, 1000, ps[0].PPI, "resolution from NISTCOM")
		assert.Equal(t, 1000, ps[0].Resolution(500), "the file's resolution wins")
		assert.Equal(t, im.Image.Bounds(), ps[0].Image.Bounds())
		n, err := eval.CountPrints(name, buf.Bytes())
		require.NoError(t, err)
		assert.Equal(t, 1, n)
	}
	// The decoded print is close to the original and extracts.
	ps, err := eval.ReadPrints("a.wsq", buf.Bytes())
	require.NoError(t, err)
	e := biometric.Extractor{}
	found, err := e.Extract(nil, ps[0].Image)
	require.NoError(t, err)
	acc := eval.CompareMinutiae(im.Minutiae, found, eval.Tolerance{})
	assert.Greater(t, acc.Recall(), 0.5, "recall on the WSQ-decoded print: %+v", acc)
}

func twoFingerRecord(t testing.TB, units uint8, res uint16) ([]byte, [2]*scansim.Impression) {
	t.Helper()
	ims := [2]*scansim.Impression{synth(t, 3), synth(t, 4)}
	rec := fingerimage.Record{}
	for i, pos := range []fingerimage.Position{fingerimage.RightIndex, fingerimage.LeftIndex} {
		fi, err := fingerimage.NewImage(pos, ims[i].Image, fingerimage.WSQ, &fingerimage.EncodeOptions{BitRate: 2.25})
		require.NoError(t, err)
		fi.ScaleUnits, fi.ImageResX, fi.ImageResY, fi.ScanResX, fi.ScanResY = units, res, res, res, res
		fi.ViewNumber = 1
		rec.Images = append(rec.Images, fi)
	}
	b, err := rec.Marshal()
	require.NoError(t, err)
	return b, ims
}

func TestReadPrintsRecord(t *testing.T) {
	b, ims := twoFingerRecord(t, 1, 500)
	for _, name := range []string{"p/dg3.fir", "dg3.iso19794-4", "dg3.bin"} {
		ps, err := eval.ReadPrints(name, b)
		require.NoError(t, err, name)
		require.Len(t, ps, 2)
		base := name[max(0, bytes.LastIndexByte([]byte(name), '/')+1):]
		assert.Equal(t, base+"#1", ps[0].Name)
		assert.Equal(t, base+"#2", ps[1].Name)
		assert.Equal(t, biometric.FingerPosition(2), ps[0].Position)
		assert.Equal(t, biometric.FingerPosition(7), ps[1].Position)
		for i := range ps {
			assert.Equal(t, 500, ps[i].PPI)
			assert.Equal(t, ims[i].Image.Bounds(), ps[i].Image.Bounds())
		}
	}
	n, err := eval.CountPrints("dg3.fir", b)
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	p, err := eval.ReadPrint("dg3.fir", b, 1)
	require.NoError(t, err)
	assert.Equal(t, "dg3.fir#2", p.Name)
	_, err = eval.ReadPrint("dg3.fir", b, 2)
	assert.ErrorContains(t, err, "dg3.fir: print 2 asked of a file with 2")

	// Pixels per centimetre are converted: 197 ppcm is 500 ppi.
	b, _ = twoFingerRecord(t, 2, 197)
	ps, err := eval.ReadPrints("cm.fir", b)
	require.NoError(t, err)
	assert.Equal(t, 500, ps[0].PPI)

	// A one-finger record keeps the file's name.
	rec, err := fingerimage.Parse(b)
	require.NoError(t, err)
	rec.Images = rec.Images[:1]
	one, err := rec.Marshal()
	require.NoError(t, err)
	ps, err = eval.ReadPrints("101_1.fir", one)
	require.NoError(t, err)
	require.Len(t, ps, 1)
	assert.Equal(t, "101_1.fir", ps[0].Name)
}

func TestReadPrintsErrors(t *testing.T) {
	b, _ := twoFingerRecord(t, 1, 500)
	var pngBuf bytes.Buffer
	require.NoError(t, png.Encode(&pngBuf, synth(t, 5).Image))

	_, err := eval.ReadPrints("x.fir", pngBuf.Bytes())
	assert.ErrorIs(t, err, eval.ErrNotPrint)
	assert.ErrorContains(t, err, `x.fir: not a fingerprint image file: an ISO/IEC 19794-4 record must start with "FIR\0", this file starts with "\x89PNG"`)

	_, err = eval.ReadPrints("x.wsq", b)
	assert.ErrorIs(t, err, eval.ErrNotPrint)
	assert.ErrorContains(t, err, "x.wsq: not a fingerprint image file: a WSQ file must start with FF A0")

	_, err = eval.ReadPrints("x.png", []byte("hello world"))
	assert.ErrorIs(t, err, eval.ErrNotPrint)
	assert.ErrorContains(t, err, `x.png: not a fingerprint image file: not PNG, JPEG, GIF, TIFF, BMP, WSQ or an ISO/IEC 19794-4 record (starts with "hell")`)

	// A truncated record: the record parser's error, with the file name.
	_, err = eval.ReadPrints("t.fir", b[:40])
	var fe *fingerimage.FormatError
	require.ErrorAs(t, err, &fe)
	assert.ErrorContains(t, err, "t.fir: ")

	// A view whose WSQ data is damaged names the view.
	rec, err := fingerimage.Parse(b)
	require.NoError(t, err)
	d := append([]byte(nil), rec.Images[1].Data...)
	rec.Images[1].Data = d[:len(d)/3]
	bad, err := rec.Marshal()
	require.NoError(t, err)
	_, err = eval.ReadPrints("d.fir", bad)
	require.Error(t, err)
	assert.ErrorContains(t, err, "d.fir#2 (finger image 2 of 2, ")
	_, err = eval.ReadPrint("d.fir", bad, 0)
	assert.NoError(t, err, "the intact view still reads")

	// A damaged WSQ file.
	var w bytes.Buffer
	require.NoError(t, wsq.Encode(&w, synth(t, 6).Image, nil))
	_, err = eval.ReadPrints("w.wsq", w.Bytes()[:w.Len()/2])
	var we *wsq.FormatError
	require.ErrorAs(t, err, &we)
	assert.ErrorContains(t, err, "w.wsq: ")
	assert.True(t, errors.Is(err, wsq.ErrFormat))
}

func TestIsPrint(t *testing.T) {
	assert.True(t, eval.IsPrint("a.PNG", nil))
	assert.True(t, eval.IsPrint("a.wsq", nil))
	assert.True(t, eval.IsPrint("a.fir", nil))
	assert.True(t, eval.IsPrint("a.iso19794-4", nil))
	assert.True(t, eval.IsPrint("a.dat", []byte("FIR\x00010")))
	assert.True(t, eval.IsPrint("a", []byte{0xFF, 0xA0, 0xFF}))
	assert.False(t, eval.IsPrint("101_1.iso", []byte("FMR\x00 20")), "19794-2 templates are not prints")
	assert.False(t, eval.IsPrint("notes.txt", []byte("hello")))
	assert.Equal(t, ".png", eval.PrintExtensions()[0])
}

func FuzzReadPrints(f *testing.F) {
	b, _ := twoFingerRecord(f, 1, 500)
	f.Add("a.fir", b)
	var w bytes.Buffer
	require.NoError(f, wsq.Encode(&w, synth(f, 7).Image, nil))
	f.Add("a.wsq", w.Bytes())
	f.Add("a.png", []byte("\x89PNG\r\n\x1a\n"))
	small := scansim.Generate(8, 64, 72).Image
	var t8, b8 bytes.Buffer
	require.NoError(f, tiff.Encode(&t8, small, &tiff.Options{Compression: tiff.Deflate}))
	f.Add("a.tif", t8.Bytes())
	require.NoError(f, bmp.Encode(&b8, small))
	f.Add("a.bmp", b8.Bytes())
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		ps, err := eval.ReadPrints(name, data)
		// CountPrints does not decode the images: it may count what ReadPrints
		// then fails to decode, never the other way round.
		if n, cerr := eval.CountPrints(name, data); (cerr != nil && err == nil) || (err == nil && n != len(ps)) {
			t.Fatalf("CountPrints: %d, %v; ReadPrints: %d prints, %v", n, cerr, len(ps), err)
		}
		if err == nil && len(ps) > 0 {
			if p, err := eval.ReadPrint(name, data, len(ps)-1); err != nil || p.Image == nil {
				t.Fatalf("ReadPrint of the last view: %v", err)
			}
		}
		if err != nil {
			if !strings.Contains(err.Error(), name) {
				t.Fatalf("error %q does not name the file %q", err, name)
			}
			return
		}
		for _, p := range ps {
			if p.Image == nil {
				t.Fatal("nil image without error")
			}
		}
	})
}

func FuzzReadScores(f *testing.F) {
	f.Add("12\n0 extra\n\n3.5\n", uint8(3))
	f.Add("nan\n", uint8(1))
	f.Add("1e309\n-0\n", uint8(2))
	f.Fuzz(func(t *testing.T, text string, n uint8) {
		pairs := make([]eval.Pair, n)
		ss, err := eval.ReadScores(strings.NewReader(text), pairs)
		if err != nil {
			if ss != nil {
				t.Fatal("scores and an error")
			}
			return
		}
		if len(ss) != len(pairs) {
			t.Fatalf("%d scores for %d pairs without an error", len(ss), len(pairs))
		}
	})
}
