package biometric_test

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/ciekit/ciekit/biometric"
)

func addTemplateSeeds(f *testing.F) {
	for _, name := range []string{"iso/annex-c2.raw", "ansi/annex-b2.raw", "iso/template.golden", "ansi/template.golden"} {
		f.Add(readTestdata(f, name))
	}
	f.Add(annexC2(f))
	r := &biometric.Record{Views: []biometric.View{{Minutiae: []biometric.Minutia{{X: 1}},
		Extended: []biometric.ExtendedData{{Type: 2, Data: []byte{0x41, 0x40, 1, 0, 2, 9, 0}}}, ExtendedLengthExcludesHeader: true}}}
	for _, enc := range []func() ([]byte, error){r.MarshalISO, r.MarshalANSI} {
		b, err := enc()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// checkParse holds the decoder properties: no panic (implicit), no partial
// result with an error, a *FormatError on failure, and a byte-exact
// re-encoding of everything accepted.
func checkParse(t *testing.T, data []byte, parse func([]byte) (*biometric.Record, error), enc func(*biometric.Record) ([]byte, error)) {
	r, err := parse(data)
	if err != nil {
		if r != nil {
			t.Fatalf("parse returned a record with error %v", err)
		}
		if _, ok := errors.AsType[*biometric.FormatError](err); !ok || !errors.Is(err, biometric.ErrFormat) {
			t.Fatalf("parse error %v is not a *FormatError matching ErrFormat", err)
		}
		return
	}
	got, err := enc(r)
	if err != nil {
		t.Fatalf("re-encoding a parsed record: %v", err)
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("marshal(parse(x)) != x\n got % x\nwant % x", got, data)
	}
	for _, v := range r.Views {
		for _, b := range v.Extended {
			switch b.Type {
			case biometric.ExtendedRidgeCount:
				_, _ = biometric.ParseRidgeCounts(b.Data)
			case biometric.ExtendedCoreDelta:
				for _, fm := range []biometric.Format{biometric.FormatISO2005, biometric.FormatANSI2004} {
					if cd, err := biometric.ParseCoreDelta(b.Data, fm); err == nil {
						again, err := cd.Append(nil, fm)
						if err != nil {
							t.Fatalf("%v core/delta re-encoding: %v", fm, err)
						}
						if cd2, err := biometric.ParseCoreDelta(again, fm); err != nil || !reflect.DeepEqual(cd, cd2) {
							t.Fatalf("%v core/delta round trip: %v\n got %+v\nwant %+v", fm, err, cd2, cd)
						}
					}
				}
			}
		}
	}
}

func FuzzParseISO(f *testing.F) {
	addTemplateSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		checkParse(t, data, biometric.ParseISORecord, (*biometric.Record).MarshalISO)
		if tpl, err := biometric.ParseISO(data); err == nil {
			if _, err := tpl.MarshalISO(); err != nil {
				t.Fatalf("re-encoding ParseISO's template: %v", err)
			}
		}
	})
}

func FuzzParseANSI(f *testing.F) {
	addTemplateSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		checkParse(t, data, biometric.ParseANSIRecord, (*biometric.Record).MarshalANSI)
		if tpl, err := biometric.ParseANSI(data); err == nil {
			if _, err := tpl.MarshalANSI(); err != nil {
				t.Fatalf("re-encoding ParseANSI's template: %v", err)
			}
		}
	})
}

// FuzzDetectFormat: DetectFormat never panics, answers 0, FormatISO2005
// or FormatANSI2004, and agrees with the parsers: a record it assigns to
// a format carries the magic, version and a length field equal to
// len(data), and when the parser of that format accepts the record, the
// record re-encodes in that same format to bytes DetectFormat assigns to
// it again.
func FuzzDetectFormat(f *testing.F) {
	addTemplateSeeds(f)
	f.Add([]byte("FMR\x00 20\x00"))
	f.Add([]byte("FMR\x00 20\x00\x00\x00\x00\x1a"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got := biometric.DetectFormat(data)
		switch got {
		case 0:
			return
		case biometric.FormatISO2005, biometric.FormatANSI2004:
		default:
			t.Fatalf("DetectFormat = %v, want 0, ISO 2005 or ANSI 2004", got)
		}
		if len(data) < 12 || string(data[:8]) != "FMR\x00 20\x00" {
			t.Fatalf("DetectFormat(%x) = %v without the FMR magic and version", data, got)
		}
		parse, enc := biometric.ParseISORecord, (*biometric.Record).MarshalISO
		if got == biometric.FormatANSI2004 {
			parse, enc = biometric.ParseANSIRecord, (*biometric.Record).MarshalANSI
		}
		r, err := parse(data)
		if err != nil {
			return
		}
		b, err := enc(r)
		if err != nil {
			return
		}
		if again := biometric.DetectFormat(b); again != got {
			t.Fatalf("DetectFormat of the re-encoded record = %v, want %v", again, got)
		}
	})
}
