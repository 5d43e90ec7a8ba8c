package fingerimage

import (
	"errors"
	"os"
	"reflect"
	"testing"

	"github.com/ciekit/ciekit/internal/amfm"
)

// FuzzParse feeds arbitrary bytes to Parse: it must never panic, must not
// return a record with an error, a 2005 record must survive
// Parse(Marshal(rec)), and Decode of small images must not panic either.
func FuzzParse(f *testing.F) {
	f.Add(mustHex(stripComments(record2005)))
	r2011 := mustHex(stripComments(record2011))
	r2011[11] = byte(len(r2011))
	r2011[19] = byte(len(r2011) - 16)
	f.Add(r2011)
	if data, err := os.ReadFile("testdata/pil-2raw.fir"); err == nil {
		f.Add(data)
	}
	img, _ := amfm.Generate(5, 66, 70, 3, 9, 4)
	for _, c := range []Compression{WSQ, PNG} {
		im, err := NewImage(LeftThumb, img, c, nil)
		if err != nil {
			f.Fatal(err)
		}
		data, err := (&Record{Images: []Image{im, im}}).Marshal()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rec, err := Parse(data)
		if err != nil {
			if rec != nil {
				t.Fatalf("Parse returned a record with error %v", err)
			}
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("Parse error %v is not ErrFormat", err)
			}
			return
		}
		for i := range rec.Images {
			if im := &rec.Images[i]; im.Width*im.Height <= 1<<16 {
				m, err := im.Decode()
				if err == nil && (m.Bounds().Dx() != im.Width || m.Bounds().Dy() != im.Height) {
					t.Fatalf("image %d decoded to %v, header says %d × %d", i, m.Bounds(), im.Width, im.Height)
				}
			}
		}
		if rec.Version != V2005 {
			return
		}
		out, err := rec.Marshal()
		if err != nil {
			t.Fatalf("Marshal of a parsed 2005 record: %v", err)
		}
		back, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(Marshal(rec)): %v", err)
		}
		for i := range back.Images {
			back.Images[i].dataOff = rec.Images[i].dataOff
		}
		if !reflect.DeepEqual(rec, back) {
			t.Fatalf("Parse(Marshal(rec)) differs from rec")
		}
	})
}

func mustHex(s string) []byte {
	b, err := hexDecode(s)
	if err != nil {
		panic(err)
	}
	return b
}
