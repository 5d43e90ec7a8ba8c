package biometric_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciekit/ciekit/biometric"
)

var updateTemplates = flag.Bool("update-templates", false, "rewrite the template goldens in testdata/iso and testdata/ansi")

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// annexC2 returns the ISO Annex C.2 example with its record length field
// corrected from 340 to the 341 bytes the record holds.
func annexC2(t testing.TB) []byte {
	b := readTestdata(t, "iso/annex-c2.raw")
	binary.BigEndian.PutUint32(b[8:], uint32(len(b)))
	return b
}

// TestAnnexC2Published checks that the published ISO Annex C.2 example is
// rejected at its record length field, which declares 340 bytes for a
// 341-byte record (see testdata/iso/README.md).
func TestAnnexC2Published(t *testing.T) {
	t.Parallel()
	_, err := biometric.ParseISORecord(readTestdata(t, "iso/annex-c2.raw"))
	require.ErrorIs(t, err, biometric.ErrFormat)
	fe, ok := errors.AsType[*biometric.FormatError](err)
	require.True(t, ok, "error %v is not a *FormatError", err)
	assert.Equal(t, 8, fe.Offset)
	assert.Equal(t, "record length", fe.Field)
	assert.Contains(t, err.Error(), "declared 340 bytes, have 341")
}

func TestAnnexRecords(t *testing.T) {
	t.Parallel()
	iso := annexC2(t)
	ansi := readTestdata(t, "ansi/annex-b2.raw")
	ri, err := biometric.ParseISORecord(iso)
	require.NoError(t, err)
	ra, err := biometric.ParseANSIRecord(ansi)
	require.NoError(t, err)

	for _, tc := range []struct {
		name string
		r    *biometric.Record
		raw  []byte
		enc  func(*biometric.Record) ([]byte, error)
	}{
		{"ISO Annex C.2", ri, iso, (*biometric.Record).MarshalISO},
		{"ANSI Annex B.2", ra, ansi, (*biometric.Record).MarshalANSI},
	} {
		r := tc.r
		assert.Equal(t, uint16(512), r.Width, tc.name)
		assert.Equal(t, uint16(512), r.Height, tc.name)
		assert.Equal(t, uint16(197), r.ResolutionX, tc.name)
		assert.Equal(t, uint16(181), r.EquipmentID, tc.name)
		require.Len(t, r.Views, 2, tc.name)
		v0, v1 := r.Views[0], r.Views[1]
		assert.Equal(t, biometric.LeftIndex, v0.Finger, tc.name)
		assert.Equal(t, uint8(90), v0.Quality, tc.name)
		assert.Len(t, v0.Minutiae, 27, tc.name)
		assert.Empty(t, v0.Extended, tc.name)
		assert.Equal(t, biometric.RightIndex, v1.Finger, tc.name)
		assert.Equal(t, uint8(70), v1.Quality, tc.name)
		assert.Len(t, v1.Minutiae, 22, tc.name)
		// First minutia: a ridge ending at (100, 14), quality 90, at
		// 112.5 degrees (ISO 80) or 112 degrees (ANSI 56 -> ISO 80).
		assert.Equal(t, biometric.Minutia{X: 100, Y: 14, Angle: 80, Kind: biometric.KindEnding, Quality: 90}, v0.Minutiae[0], tc.name)
		require.Len(t, v1.Extended, 1, tc.name)
		assert.Equal(t, biometric.ExtendedRidgeCount, v1.Extended[0].Type, tc.name)
		assert.False(t, v1.ExtendedLengthExcludesHeader, tc.name)
		rc, err := biometric.ParseRidgeCounts(v1.Extended[0].Data)
		require.NoError(t, err, tc.name)
		assert.Equal(t, biometric.RidgeCounts{Method: biometric.RidgeCountFourNeighbour,
			Counts: []biometric.RidgeCount{{A: 1, B: 20, Count: 12}, {A: 5, B: 7, Count: 5}}}, rc, tc.name)
		got, err := tc.enc(r)
		require.NoError(t, err, tc.name)
		assert.Equal(t, tc.raw, got, "%s: marshal(parse(record)) differs", tc.name)
	}
	assert.Equal(t, uint16(0x0042), ra.ProductOwner)
	assert.Equal(t, uint16(0x0011), ra.ProductType)

	// The two annexes describe the same prints. Their angles were rounded
	// from whole degrees separately (ISO 60 = 84.4° but ANSI 43 = 86° for
	// 85°), so after conversion they agree within one ANSI unit.
	ri.ProductOwner, ri.ProductType = ra.ProductOwner, ra.ProductType
	conv, err := ri.MarshalANSI()
	require.NoError(t, err)
	require.Len(t, conv, len(ansi))
	differ := 0
	for i := range ansi {
		if conv[i] != ansi[i] {
			differ++
			assert.InDelta(t, int(ansi[i]), int(conv[i]), 1, "ISO Annex C.2 as ANSI, byte %d", i)
		}
	}
	assert.Less(t, differ, 12, "ISO Annex C.2 as ANSI: %d angle bytes differ from Annex B.2", differ)
	for vi := range ri.Views {
		for mi, m := range ri.Views[vi].Minutiae {
			a := ra.Views[vi].Minutiae[mi]
			assert.Equal(t, [4]int{int(m.X), int(m.Y), int(m.Kind), int(m.Quality)}, [4]int{int(a.X), int(a.Y), int(a.Kind), int(a.Quality)}, "view %d minutia %d", vi, mi)
		}
	}

	// ParseISO/ParseANSI return the first view as a Template.
	ti, err := biometric.ParseISO(iso)
	require.NoError(t, err)
	assert.Equal(t, ri.Template(0), *ti)
	ta, err := biometric.ParseANSI(ansi)
	require.NoError(t, err)
	assert.Equal(t, ra.Templates()[0], *ta)
	assert.Equal(t, biometric.FormatISO2005, biometric.DetectFormat(iso))
	assert.Equal(t, biometric.FormatANSI2004, biometric.DetectFormat(ansi))
}

// goldenTemplate exercises every field of a single-view record.
func goldenTemplate() *biometric.Template {
	return &biometric.Template{
		Width: 416, Height: 560, ResolutionX: 197, ResolutionY: 197,
		Finger: biometric.RightThumb, ViewNumber: 1, ImpressionType: 0, Quality: 77,
		Minutiae: []biometric.Minutia{
			{X: 12, Y: 34, Angle: 0, Kind: biometric.KindEnding, Quality: 100},
			{X: 415, Y: 559, Angle: 255, Kind: biometric.KindBifurcation, Quality: 1},
			{X: 200, Y: 300, Angle: 64, Kind: biometric.KindOther, Quality: 0},
			{X: 0x1234, Y: 0x0abc, Angle: 129, Kind: biometric.KindBifurcation, Quality: 55},
		},
	}
}

func TestTemplateGolden(t *testing.T) {
	t.Parallel()
	tpl := goldenTemplate()
	for _, tc := range []struct {
		file  string
		enc   func(*biometric.Template) ([]byte, error)
		parse func([]byte) (*biometric.Template, error)
		size  int
	}{
		{"iso/template.golden", (*biometric.Template).MarshalISO, biometric.ParseISO, 24 + 4 + 4*6 + 2},
		{"ansi/template.golden", (*biometric.Template).MarshalANSI, biometric.ParseANSI, 26 + 4 + 4*6 + 2},
	} {
		got, err := tc.enc(tpl)
		require.NoError(t, err, tc.file)
		assert.Len(t, got, tc.size, tc.file)
		path := filepath.Join("testdata", tc.file)
		if *updateTemplates {
			require.NoError(t, os.WriteFile(path, got, 0o644))
		}
		want, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Equal(t, want, got, "%s: encoding differs from the golden file", tc.file)
		back, err := tc.parse(got)
		require.NoError(t, err, tc.file)
		assert.Equal(t, tpl, back, tc.file)
	}
}

// TestTemplateFieldLayout checks the golden bytes against the field tables
// of ISO/IEC 19794-2:2005 (clause 7) and ANSI INCITS 378-2004 (clause 6),
// independently of the encoder.
func TestTemplateFieldLayout(t *testing.T) {
	t.Parallel()
	iso, err := goldenTemplate().MarshalISO()
	require.NoError(t, err)
	want := []byte{
		'F', 'M', 'R', 0, ' ', '2', '0', 0, // format identifier, version
		0, 0, 0, 54, // record length
		0, 0, // capture equipment
		0x01, 0xa0, 0x02, 0x30, // width 416, height 560
		0, 197, 0, 197, // resolution px/cm
		1, 0, // views, reserved
		1, 0x10, 77, 4, // finger 1, view 1 impression 0, quality 77, 4 minutiae
		0x40, 12, 0, 34, 0, 100, // ending (12,34) angle 0 quality 100
		0x81, 0x9f, 0x02, 0x2f, 255, 1, // bifurcation (415,559) angle 255
		0x00, 200, 0x01, 0x2c, 64, 0, // other (200,300) angle 64
		0x92, 0x34, 0x0a, 0xbc, 129, 55, // bifurcation (0x1234,0x0abc)
		0, 0, // extended data length
	}
	assert.Equal(t, want, iso)
	ansi, err := goldenTemplate().MarshalANSI()
	require.NoError(t, err)
	wantANSI := append([]byte{'F', 'M', 'R', 0, ' ', '2', '0', 0, 0, 56, 0, 0, 0, 0}, want[12:]...)
	// ANSI angles in 2-degree units: 0 -> 0, 255 (358.6°) -> 179, 64 (90°) -> 45, 129 (181.4°) -> 91.
	wantANSI[26+4+4], wantANSI[26+4+6+4], wantANSI[26+4+12+4], wantANSI[26+4+18+4] = 0, 179, 45, 91
	assert.Equal(t, wantANSI, ansi)
}

func TestAngleConversion(t *testing.T) {
	t.Parallel()
	// Every ANSI angle survives ANSI -> ISO units -> ANSI.
	for a := range 180 {
		rec := &biometric.Record{Views: []biometric.View{{Minutiae: []biometric.Minutia{{Angle: 0}}}}}
		b, err := rec.MarshalANSI()
		require.NoError(t, err)
		b[26+4+4] = byte(a)
		r, err := biometric.ParseANSIRecord(b)
		require.NoError(t, err, "angle %d", a)
		got, err := r.MarshalANSI()
		require.NoError(t, err)
		assert.Equal(t, b, got, "ANSI angle %d does not round-trip", a)
		deg := float64(r.Views[0].Minutiae[0].Angle) * 360 / 256
		assert.InDelta(t, float64(2*a), deg, 0.71, "ANSI angle %d -> ISO %d", a, r.Views[0].Minutiae[0].Angle)
	}
}

func TestExtendedBlocks(t *testing.T) {
	t.Parallel()
	cd := biometric.CoreDelta{
		Cores:  []biometric.Core{{X: 100, Y: 200, HasAngle: true, Angle: 40}, {X: 150, Y: 250, HasAngle: true, Angle: 7}},
		Deltas: []biometric.Delta{{X: 50, Y: 400, HasAngles: true, Angles: [3]uint8{1, 2, 3}}},
	}
	for _, f := range []biometric.Format{biometric.FormatISO2005, biometric.FormatANSI2004} {
		data, err := cd.Append(nil, f)
		require.NoError(t, err, f)
		back, err := biometric.ParseCoreDelta(data, f)
		require.NoError(t, err, f)
		assert.Equal(t, cd, back, f)
		rec := &biometric.Record{Width: 416, Height: 560, ResolutionX: 197, ResolutionY: 197, Views: []biometric.View{{
			Finger: biometric.LeftThumb, Minutiae: []biometric.Minutia{{X: 1, Y: 2, Kind: biometric.KindEnding}},
			Extended: []biometric.ExtendedData{
				{Type: biometric.ExtendedCoreDelta, Data: data},
				{Type: biometric.ExtendedRidgeCount, Data: biometric.RidgeCounts{Method: 2, Counts: []biometric.RidgeCount{{A: 0, B: 0, Count: 3}}}.Append(nil)},
				{Type: 0x0104, Data: []byte("vendor")},
			},
		}}}
		for _, excl := range []bool{false, true} {
			rec.Views[0].ExtendedLengthExcludesHeader = excl
			var b []byte
			var r2 *biometric.Record
			if f == biometric.FormatISO2005 {
				b, err = rec.MarshalISO()
				require.NoError(t, err)
				r2, err = biometric.ParseISORecord(b)
			} else {
				b, err = rec.MarshalANSI()
				require.NoError(t, err)
				r2, err = biometric.ParseANSIRecord(b)
			}
			require.NoError(t, err, "%v excl=%v", f, excl)
			assert.Equal(t, rec, r2, "%v excl=%v", f, excl)
		}
	}
	// ISO cores carry the angular flag each; ANSI once per list.
	mixed := biometric.CoreDelta{Cores: []biometric.Core{{X: 1, HasAngle: true}, {X: 2}}}
	_, err := mixed.Append(nil, biometric.FormatANSI2004)
	require.ErrorIs(t, err, biometric.ErrEncoding)
	data, err := mixed.Append(nil, biometric.FormatISO2005)
	require.NoError(t, err)
	back, err := biometric.ParseCoreDelta(data, biometric.FormatISO2005)
	require.NoError(t, err)
	assert.Equal(t, mixed, back)
}

func TestNewRecord(t *testing.T) {
	t.Parallel()
	a := *goldenTemplate()
	b := a
	b.Finger, b.Minutiae = biometric.LeftThumb, nil
	r, err := biometric.NewRecord(a, b)
	require.NoError(t, err)
	assert.Equal(t, []biometric.Template{a, b}, r.Templates())
	c := a
	c.Width++
	_, err = biometric.NewRecord(a, c)
	require.ErrorIs(t, err, biometric.ErrEncoding)
	enc, err := r.MarshalISO()
	require.NoError(t, err)
	r2, err := biometric.ParseISORecord(enc)
	require.NoError(t, err)
	assert.Equal(t, r.Templates(), r2.Templates())
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	iso, err := goldenTemplate().MarshalISO()
	require.NoError(t, err)
	ansi, err := goldenTemplate().MarshalANSI()
	require.NoError(t, err)
	patch := func(b []byte, off int, v ...byte) []byte {
		c := bytes.Clone(b)
		copy(c[off:], v)
		return c
	}
	type parser func([]byte) (*biometric.Record, error)
	for _, tc := range []struct {
		name   string
		parse  parser
		in     []byte
		offset int
		field  string
	}{
		{"empty", biometric.ParseISORecord, nil, 0, "format identifier"},
		{"magic", biometric.ParseISORecord, patch(iso, 0, 'X'), 0, "format identifier"},
		{"version 2011", biometric.ParseISORecord, patch(iso, 4, '0', '3', '0'), 4, "version"},
		{"length short", biometric.ParseISORecord, patch(iso, 11, 53), 8, "record length"},
		{"ANSI given to ISO", biometric.ParseISORecord, ansi, 8, "record length"},
		{"ISO given to ANSI", biometric.ParseANSIRecord, iso, 8, "record length"},
		{"reserved", biometric.ParseISORecord, patch(iso, 23, 1), 23, "reserved byte"},
		{"finger 11", biometric.ParseISORecord, patch(iso, 24, 11), 24, "view 0 finger position"},
		{"impression 5 ISO", biometric.ParseISORecord, patch(iso, 25, 0x15), 25, "view 0 impression type"},
		{"finger quality", biometric.ParseISORecord, patch(iso, 26, 101), 26, "view 0 finger quality"},
		{"minutia type 3", biometric.ParseISORecord, patch(iso, 28, 0xc0), 28, "view 0 minutia 0 type"},
		{"minutia y reserved", biometric.ParseISORecord, patch(iso, 36, 0x42), 36, "view 0 minutia 1 reserved bits"},
		{"minutia quality", biometric.ParseISORecord, patch(iso, 33, 101), 33, "view 0 minutia 0 quality"},
		{"ANSI angle 180", biometric.ParseANSIRecord, patch(ansi, 34, 180), 34, "view 0 minutia 0 angle"},
		{"ANSI long form too small", biometric.ParseANSIRecord, append(patch(ansi[:10], 8, 0, 0), 0, 0, 0, 60), 10, "record length (4-byte form)"},
		{"extended overrun", biometric.ParseISORecord, patch(iso, 52, 0, 9), 52, "view 0 extended data length"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := tc.parse(tc.in)
			require.Error(t, err)
			assert.Nil(t, r)
			require.ErrorIs(t, err, biometric.ErrFormat)
			fe, ok := errors.AsType[*biometric.FormatError](err)
			require.True(t, ok, "%v is not a *FormatError", err)
			assert.Equal(t, tc.offset, fe.Offset, "offset in %v", err)
			assert.Equal(t, tc.field, fe.Field, "field in %v", err)
		})
	}
	// Every truncation of a valid record fails with a *FormatError.
	for _, rec := range [][]byte{annexC2(t), readTestdata(t, "ansi/annex-b2.raw")} {
		for n := range len(rec) {
			c := bytes.Clone(rec[:n])
			if len(c) >= 12 {
				// Keep the length field consistent so the parser reaches the cut.
				if biometric.DetectFormat(rec) == biometric.FormatISO2005 {
					binary.BigEndian.PutUint32(c[8:], uint32(n))
				} else {
					binary.BigEndian.PutUint16(c[8:], uint16(n))
				}
			}
			var err error
			if biometric.DetectFormat(rec) == biometric.FormatISO2005 {
				_, err = biometric.ParseISORecord(c)
			} else {
				_, err = biometric.ParseANSIRecord(c)
			}
			require.ErrorIs(t, err, biometric.ErrFormat, "truncated to %d bytes", n)
			if n >= 30 {
				assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "truncated to %d bytes", n)
			}
		}
	}
	_, err = biometric.ParseISO(iso[:0:0])
	require.Error(t, err)
	empty, err := (&biometric.Record{}).MarshalISO()
	require.NoError(t, err)
	_, err = biometric.ParseISO(empty)
	fe, ok := errors.AsType[*biometric.FormatError](err)
	require.True(t, ok, "ParseISO(no views) = %v, want *FormatError", err)
	assert.Equal(t, "number of views", fe.Field)
	assert.Equal(t, 22, fe.Offset)
	emptyANSI, err := (&biometric.Record{ProductOwner: 1}).MarshalANSI()
	require.NoError(t, err)
	_, err = biometric.ParseANSI(emptyANSI)
	fe, ok = errors.AsType[*biometric.FormatError](err)
	require.True(t, ok, "ParseANSI(no views) = %v, want *FormatError", err)
	assert.Equal(t, 24, fe.Offset)
}

func TestEncodeErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		mod  func(*biometric.Template)
	}{
		{"finger", func(t *biometric.Template) { t.Finger = 11 }},
		{"view number", func(t *biometric.Template) { t.ViewNumber = 16 }},
		{"impression", func(t *biometric.Template) { t.ImpressionType = 5 }},
		{"quality", func(t *biometric.Template) { t.Quality = 101 }},
		{"x", func(t *biometric.Template) { t.Minutiae[0].X = 1 << 14 }},
		{"kind", func(t *biometric.Template) { t.Minutiae[0].Kind = 3 }},
		{"minutia quality", func(t *biometric.Template) { t.Minutiae[0].Quality = 200 }},
		{"too many", func(t *biometric.Template) { t.Minutiae = make([]biometric.Minutia, 256) }},
	} {
		tpl := goldenTemplate()
		tc.mod(tpl)
		dst := []byte("keep")
		got, err := tpl.AppendISO(dst)
		require.ErrorIs(t, err, biometric.ErrEncoding, tc.name)
		assert.Equal(t, dst, got, tc.name)
	}
}

func TestAppendAllocs(t *testing.T) {
	tpl := goldenTemplate()
	buf := make([]byte, 0, 1024)
	if n := testing.AllocsPerRun(100, func() { _, _ = tpl.AppendISO(buf[:0]) }); n != 0 {
		t.Errorf("AppendISO: %v allocs, want 0", n)
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = tpl.AppendANSI(buf[:0]) }); n != 0 {
		t.Errorf("AppendANSI: %v allocs, want 0", n)
	}
}

func TestMINEX(t *testing.T) {
	t.Parallel()
	tpl := goldenTemplate()
	err := tpl.CheckMINEX()
	require.ErrorIs(t, err, biometric.ErrMINEX)
	assert.Contains(t, err.Error(), "minutia 3 at (4660, 2748) outside")
	tpl.TrimMINEX()
	require.NoError(t, tpl.CheckMINEX())
	assert.Len(t, tpl.Minutiae, 3)
	for i := range 200 {
		tpl.Minutiae = append(tpl.Minutiae, biometric.Minutia{X: uint16(i), Y: 5, Quality: uint8(i % 101)})
	}
	require.ErrorIs(t, tpl.CheckMINEX(), biometric.ErrMINEX)
	tpl.TrimMINEX()
	require.NoError(t, tpl.CheckMINEX())
	assert.Len(t, tpl.Minutiae, biometric.MINEXMaxMinutiae)
	b, err := tpl.MarshalANSI()
	require.NoError(t, err)
	assert.LessOrEqual(t, len(b), biometric.MINEXMaxBytes)
	for _, m := range tpl.Minutiae {
		assert.GreaterOrEqual(t, m.Quality, uint8(36), "kept minutia %+v", m)
	}
}

// repoShared returns ../shared relative to the module root, or skips.
func repoShared(t testing.TB, sub string) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("module root not found")
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", sub)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared data absent: %v", err)
	}
	return p
}

// TestFVCTemplates parses every ISO template shipped with the FVC2002 data
// (SecuGen SDK output, see the NOTICE there) and checks the byte-exact
// round trip.
func TestFVCTemplates(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join(repoShared(t, "data/fingerprints/fvc2002"), "*", "*.iso"))
	require.NoError(t, err)
	if len(files) == 0 {
		t.Skip("no FVC2002 templates")
	}
	invalid := 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		r, err := biometric.ParseISORecord(raw)
		require.NoError(t, err, f)
		require.Len(t, r.Views, 1, f)
		if err := r.Validate(biometric.FormatISO2005); err != nil {
			invalid++
			t.Logf("%s: %v", f, err)
		}
		got, err := r.MarshalISO()
		require.NoError(t, err, f)
		require.Equal(t, raw, got, "%s: marshal(parse(record)) differs", f)
		tpl, err := biometric.ParseISO(raw)
		require.NoError(t, err, f)
		again, err := tpl.MarshalISO()
		require.NoError(t, err, f)
		require.Equal(t, raw, again, "%s: Template round trip differs", f)
	}
	t.Logf("%d FVC2002 ISO templates round-tripped, %d fail Validate", len(files), invalid)
	assert.Zero(t, invalid, "FVC2002 templates failing Validate")
}

func TestValidate(t *testing.T) {
	t.Parallel()
	ri, err := biometric.ParseISORecord(annexC2(t))
	require.NoError(t, err)
	require.NoError(t, ri.Validate(biometric.FormatISO2005), "ISO Annex C.2")
	ra, err := biometric.ParseANSIRecord(readTestdata(t, "ansi/annex-b2.raw"))
	require.NoError(t, err)
	require.NoError(t, ra.Validate(biometric.FormatANSI2004), "ANSI Annex B.2")

	ra.ProductOwner = 0
	ra.Views[1].ViewNumber = 2
	ra.Views[0].Minutiae[3].X = 600
	ra.Views[1].Extended[0].Data[0] = 7
	err = ra.Validate(biometric.FormatANSI2004)
	require.ErrorIs(t, err, biometric.ErrInvalidRecord)
	for _, want := range []string{"product owner is zero", "view 1: view number 2 for finger position 2, want 0",
		"view 0 minutia 3 at (600, 22) outside", "ridge count method 7 undefined"} {
		assert.Contains(t, err.Error(), want)
	}
}
