package main

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"

	"github.com/ciekit/ciekit/biometric/fingerimage"
	"github.com/ciekit/ciekit/biometric/scansim"
	"github.com/ciekit/ciekit/biometric/wsq"
)

func writePNG(t *testing.T, path string, m image.Image) {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, m))
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
}

func writeWSQ(t *testing.T, path string, m image.Image, ppi int) {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, wsq.Encode(&b, m, &wsq.Options{BitRate: 2.25, PPI: ppi}))
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
}

// writeRecord writes a 19794-4 record with one WSQ finger image per image.
func writeRecord(t *testing.T, path string, ppi int, ms ...image.Image) {
	t.Helper()
	var rec fingerimage.Record
	for i, m := range ms {
		fi, err := fingerimage.NewImage(fingerimage.Position(2+5*i), m, fingerimage.WSQ, &fingerimage.EncodeOptions{PPI: ppi, BitRate: 2.25})
		require.NoError(t, err)
		rec.Images = append(rec.Images, fi)
	}
	b, err := rec.Marshal()
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, b, 0o644))
}

func writeTIFF(t *testing.T, path string, m image.Image) {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, tiff.Encode(&b, m, &tiff.Options{Compression: tiff.Deflate}))
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
}

// writeBMP writes m as golang.org/x/image/bmp does (8-bit grey palette for
// an *image.Gray, rows bottom-up) with its resolution fields set to ppi.
func writeBMP(t *testing.T, path string, m image.Image, ppi int) {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, bmp.Encode(&b, m))
	ppm := uint32(math.Round(float64(ppi) / 0.0254))
	data := b.Bytes()
	binary.LittleEndian.PutUint32(data[38:], ppm) // biXPelsPerMeter
	binary.LittleEndian.PutUint32(data[42:], ppm) // biYPelsPerMeter
	require.NoError(t, os.WriteFile(path, data, 0o644))
}

func readCSV(t *testing.T, path string) map[string][]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	m := map[string][]string{}
	for _, r := range rows[1:] {
		m[r[0]] = r
	}
	return m
}

// extract reads every format of a folder, one print per finger image of a
// record, each at its file's resolution (else -ppi).
func TestExtractFormats(t *testing.T) {
	dir := t.TempDir()
	g := func(seed uint64) image.Image { return scansim.Generate(seed, 256, 288).Image }
	writePNG(t, filepath.Join(dir, "a.png"), g(1))
	writeWSQ(t, filepath.Join(dir, "b.wsq"), g(2), 600)
	writeWSQ(t, filepath.Join(dir, "noext"), g(3), 500) // recognised by content
	writeRecord(t, filepath.Join(dir, "dg3.fir"), 500, g(4), g(5))
	writeRecord(t, filepath.Join(dir, "one.iso19794-4"), 450, g(6))
	writeTIFF(t, filepath.Join(dir, "c.tif"), g(7)) // x/image writes 72 dpi: ignored, -ppi used
	g16 := image.NewGray16(g(8).Bounds())
	draw.Draw(g16, g16.Rect, g(8), image.Point{}, draw.Src)
	writeTIFF(t, filepath.Join(dir, "d16.TIFF"), g16)
	writeBMP(t, filepath.Join(dir, "e.bmp"), g(9), 569)
	writeBMP(t, filepath.Join(dir, "bmp-noext"), g(10), 0) // recognised by content
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a print"), 0o644))
	csvPath := filepath.Join(t.TempDir(), "r.csv")
	var out, errb bytes.Buffer
	err := run(t.Context(), []string{"extract", "-dir", dir, "-ppi", "480", "-workers", "2", "-latency", "1", "-q", "-csv", csvPath}, &out, &errb)
	require.NoError(t, err, "stderr %s", errb.String())
	assert.Contains(t, out.String(), "images 10, failed 0")
	assert.Contains(t, out.String(), "resolution of the prints: 1 at 450 ppi declared by the files, 1 at 569 ppi declared by the files, 1 at 600 ppi declared by the files, 3 at 500 ppi declared by the files, "+
		"2 at 480 ppi (-ppi; the files declare 72 ppi, no print's resolution), 2 at 480 ppi (-ppi; the files declare none)\n")
	rows := readCSV(t, csvPath)
	want := map[string]string{"a.png": "480", "b.wsq": "600", "noext": "500", "dg3.fir#1": "500", "dg3.fir#2": "500", "one.iso19794-4": "450",
		"c.tif": "480", "d16.TIFF": "480", "e.bmp": "569", "bmp-noext": "480"}
	assert.Len(t, rows, len(want))
	for name, ppi := range want {
		r, ok := rows[name]
		if assert.True(t, ok, "row %s", name) {
			assert.Equal(t, ppi, r[3], "ppi of %s", name)
			assert.NotEqual(t, "0", r[5], "minutiae of %s", name)
		}
	}
}

func TestExtractBadFiles(t *testing.T) {
	m := scansim.Generate(1, 256, 288).Image
	for _, c := range []struct {
		name, want string
		write      func(path string)
	}{
		{"png.fir", `png.fir: not a fingerprint image file: an ISO/IEC 19794-4 record must start with "FIR\0"`, func(p string) { writePNG(t, p, m) }},
		{"x.wsq", `x.wsq: not a fingerprint image file: a WSQ file must start with FF A0 (SOI), this file starts with 89 50 4E 47`, func(p string) { writePNG(t, p, m) }},
		{"cut.wsq", `cut.wsq: wsq: `, func(p string) {
			writeWSQ(t, p, m, 500)
			b, _ := os.ReadFile(p)
			require.NoError(t, os.WriteFile(p, b[:len(b)/2], 0o644))
		}},
		{"cut.fir", `cut.fir: fingerimage: `, func(p string) {
			writeRecord(t, p, 500, m)
			b, _ := os.ReadFile(p)
			require.NoError(t, os.WriteFile(p, b[:40], 0o644))
		}},
		{"bad.png", `bad.png: not a fingerprint image file: not PNG, JPEG, GIF, TIFF, BMP, WSQ or an ISO/IEC 19794-4 record`, func(p string) {
			require.NoError(t, os.WriteFile(p, []byte("GIF87 nothing"), 0o644))
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			c.write(filepath.Join(dir, c.name))
			var out, errb bytes.Buffer
			err := run(t.Context(), []string{"extract", "-dir", dir, "-q", "-latency", "0"}, &out, &errb)
			require.Error(t, err)
			assert.Contains(t, err.Error(), filepath.Join(dir, c.want))
			assert.Equal(t, 1, exitCode(err, &errb))
		})
	}
}

// fvcFolder writes fingers × imps synthetic prints laid out like an FVC
// B set (101_1 …) in dir/set, with write choosing each file's format.
func fvcFolder(t *testing.T, dir, set string, fingers, imps int, write func(path string, m image.Image)) {
	fvcFolderFrom(t, dir, set, 101, fingers, imps, write)
}

// fvcFolderFrom is fvcFolder with the first finger's number: 1 for an
// FVC A set (1_1 …).
func fvcFolderFrom(t *testing.T, dir, set string, first, fingers, imps int, write func(path string, m image.Image)) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, set), 0o755))
	for f := range fingers {
		finger := scansim.NewFinger(uint64(100+f), 256, 288)
		for i := range imps {
			im := finger.Impress(scansim.NaturalCondition(uint64(10*f+i)), uint64(i))
			write(filepath.Join(dir, set, fmt.Sprintf("%d_%d", first+f, i+1)), im.Image)
		}
	}
}

// An FVC A set numbers its fingers from 1 (1_1.tif … 100_8.tif): fvc
// finds that, or takes -first.
func TestFVCASet(t *testing.T) {
	dir := t.TempDir()
	fvcFolderFrom(t, dir, "DB1_A", 1, 3, 3, func(p string, m image.Image) { writeTIFF(t, p+".tif", m) })
	for _, args := range [][]string{nil, {"-first", "1"}} {
		var out, errb bytes.Buffer
		args = append([]string{"fvc", "-data", dir, "-sets", "DB1_A", "-fingers", "3", "-impressions", "3", "-ppi", "DB1_A=500", "-q"}, args...)
		err := run(t.Context(), args, &out, &errb)
		require.NoError(t, err, "%v: stderr %s", args, errb.String())
		assert.Contains(t, out.String(), "| DB1_A | 0 |", "%v: no failure to enrol", args)
	}
	// Told the wrong first finger, it names the file it lacks.
	var out, errb bytes.Buffer
	err := run(t.Context(), []string{"fvc", "-data", dir, "-sets", "DB1_A", "-fingers", "3", "-impressions", "3", "-first", "101", "-q"}, &out, &errb)
	require.Error(t, err)
	assert.Contains(t, err.Error(), filepath.Join(dir, "DB1_A", "101_1"))
	err = run(t.Context(), []string{"fvc", "-data", dir, "-first", "-1"}, &out, &errb)
	require.Error(t, err)
	assert.Equal(t, 2, exitCode(err, &errb))
}

// The FVC protocol on sets laid out like FVC whose images are WSQ files
// and 19794-4 records; the resolution comes from the files.
func TestFVCFormatsSynthetic(t *testing.T) {
	dir := t.TempDir()
	fvcFolder(t, dir, "W", 3, 3, func(p string, m image.Image) { writeWSQ(t, p+".wsq", m, 500) })
	fvcFolder(t, dir, "R", 3, 3, func(p string, m image.Image) { writeRecord(t, p+".fir", 500, m) })
	fvcFolder(t, dir, "P", 3, 3, func(p string, m image.Image) { writePNG(t, p+".png", m) })
	fvcFolder(t, dir, "T", 3, 3, func(p string, m image.Image) { writeTIFF(t, p+".TIF", m) })
	fvcFolder(t, dir, "B", 3, 3, func(p string, m image.Image) { writeBMP(t, p+".bmp", m, 500) })
	var out, errb bytes.Buffer
	err := run(t.Context(), []string{"fvc", "-data", dir, "-sets", "W,R,P,T,B", "-fingers", "3", "-impressions", "3", "-ppi", "P=510,T=520", "-q"}, &out, &errb)
	require.NoError(t, err, "stderr %s", errb.String())
	for _, set := range []string{"W", "R", "P", "T", "B"} {
		assert.Contains(t, out.String(), "| "+set+" | 0 |", "no failure to enrol in %s", set)
	}
	assert.Contains(t, out.String(), "W: 9 at 500 ppi declared by the files\n")
	assert.Contains(t, out.String(), "R: 9 at 500 ppi declared by the files\n")
	assert.Contains(t, out.String(), "P: 9 at 510 ppi (-ppi; the files declare none)\n")
	assert.Contains(t, out.String(), "T: 9 at 520 ppi (-ppi; the files declare 72 ppi, no print's resolution)\n")
	assert.Contains(t, out.String(), "B: 9 at 500 ppi declared by the files\n")

	// A record with two finger images is not one impression.
	writeRecord(t, filepath.Join(dir, "R", "101_1.fir"), 500, scansim.Generate(1, 256, 288).Image, scansim.Generate(2, 256, 288).Image)
	err = run(t.Context(), []string{"fvc", "-data", dir, "-sets", "R", "-fingers", "3", "-impressions", "3", "-q"}, &out, &errb)
	require.Error(t, err)
	assert.Contains(t, err.Error(), filepath.Join(dir, "R", "101_1.fir")+" holds 2 finger images; the FVC layout needs one impression per file")
	// A missing image says what was looked for.
	require.NoError(t, os.Remove(filepath.Join(dir, "R", "101_1.fir")))
	err = run(t.Context(), []string{"fvc", "-data", dir, "-sets", "R", "-fingers", "3", "-impressions", "3", "-q"}, &out, &errb)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no image "+filepath.Join(dir, "R", "101_1")+".* (looked for .png, .wsq, .fir, .iso19794-4, .tif, .tiff, .bmp, .jpg, .jpeg, .gif)")
}

// convertFVC decodes the first fingers × imps PNG prints of each set of the
// FVC2002 folder data and hands each to write with its set and its path in
// dir without extension (dir/SET/101_1), the set's folder made.
func convertFVC(t *testing.T, data, dir string, sets []string, fingers, imps int, write func(set, base string, m image.Image)) {
	t.Helper()
	for _, set := range sets {
		require.NoError(t, os.MkdirAll(filepath.Join(dir, set), 0o755))
		for f := range fingers {
			for i := range imps {
				name := fmt.Sprintf("%d_%d", 101+f, i+1)
				b, err := os.ReadFile(filepath.Join(data, set, name+".png"))
				require.NoError(t, err)
				m, err := png.Decode(bytes.NewReader(b))
				require.NoError(t, err)
				write(set, filepath.Join(dir, set, name), m)
			}
		}
	}
}

// The FVC protocol on FVC2002 prints converted to WSQ at test time (the
// converted files live in a temporary folder only).
func TestFVCAsWSQ(t *testing.T) {
	data := fvcData(t, "DB2_B", "DB3_B")
	dir := t.TempDir()
	convertFVC(t, data, dir, []string{"DB2_B", "DB3_B"}, 3, 3, func(set, base string, m image.Image) {
		ppi := 500
		if set == "DB2_B" {
			ppi = 569
		}
		writeWSQ(t, base+".wsq", m, ppi)
	})
	var out, errb bytes.Buffer
	err := run(t.Context(), []string{"fvc", "-data", dir, "-sets", "DB2_B,DB3_B", "-ppi", "", "-fingers", "3", "-impressions", "3", "-q"}, &out, &errb)
	require.NoError(t, err, "stderr %s", errb.String())
	assert.Contains(t, out.String(), "| DB2_B | 0 |")
	assert.Contains(t, out.String(), "| DB3_B | 0 |")
	assert.Contains(t, out.String(), "DB2_B: 9 at 569 ppi declared by the files\n", "DB2's resolution from the WSQ files, not -ppi")
	assert.Contains(t, out.String(), "DB3_B: 9 at 500 ppi declared by the files\n")
}

// FVC2002 prints converted to TIFF at test time (in a temporary folder
// only) by golang.org/x/image's encoder, which declares 72 dpi: that is
// ignored, -ppi applies as for the PNGs, and the table is the PNGs' one
// (times aside). The reference templates are copied beside them for the
// cross-matching column.
func TestFVCAsTIFF(t *testing.T) {
	data := fvcData(t, "DB1_B", "DB2_B")
	dir := t.TempDir()
	fingers, imps := 10, 8
	if testing.Short() {
		fingers, imps = 3, 3
	}
	convertFVC(t, data, dir, []string{"DB1_B", "DB2_B"}, fingers, imps, func(set, base string, m image.Image) {
		writeTIFF(t, base+".tif", m)
		if tpl, err := os.ReadFile(filepath.Join(data, set, filepath.Base(base)+".iso")); err == nil {
			require.NoError(t, os.WriteFile(base+".iso", tpl, 0o644))
		}
	})
	table := func(data string) []string {
		var out, errb bytes.Buffer
		err := run(t.Context(), []string{"fvc", "-data", data, "-sets", "DB1_B,DB2_B", "-fingers", strconv.Itoa(fingers), "-impressions", strconv.Itoa(imps), "-q"}, &out, &errb)
		require.NoError(t, err, "stderr %s", errb.String())
		var rows []string
		for _, l := range strings.Split(out.String(), "\n") {
			f := strings.Split(l, " | ")
			if strings.HasPrefix(l, "| DB") && len(f) == 10 {
				f[3], f[4] = "", "" // extraction and match times
				rows = append(rows, strings.Join(f, " | "))
			}
		}
		require.Len(t, rows, 2, "table rows in %s", out.String())
		return rows
	}
	want := table(data)
	t.Logf("PNG rows: %q", want)
	assert.Equal(t, want, table(dir), "FVC table of the TIFFs against the PNGs'")
}
