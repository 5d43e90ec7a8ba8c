package cie

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// Known answers from ANPR_archivio_comuni.csv and ANPR_stati_esteri.csv.
func TestLookupPlace(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		code string
		at   time.Time
		name string
		prov string
		err  error
	}{
		{"H501", day(1980, 1, 1), "ROMA", "RM", nil},
		{"h501", day(2026, 11, 23), "ROMA", "RM", nil},
		{"A001", day(1900, 1, 1), "ABANO", "PD", nil},         // ANPR row 12560: renamed in 1924
		{"A001", day(1924, 11, 14), "ABANO TERME", "PD", nil}, // ANPR row 1
		{"D877", day(1907, 1, 1), "GALLICO", "RC", nil},       // ceased 1927-08-02
		{"D877", day(1927, 8, 2), "GALLICO", "RC", nil},       // its last valid day
		{"D877", day(1927, 8, 3), "", "", ErrPlaceNotValid},
		{"G371", day(1984, 12, 31), "PATERNÒ", "CT", nil},
		{"L885", day(1925, 1, 1), "VIGNOLA", "MO", nil}, // homonym of Vignola TN L884
		{"Z112", day(1970, 2, 2), "GERMANIA", "", nil},
		{"Z999", day(2000, 1, 1), "", "", ErrUnknownPlace},
		{"", day(2000, 1, 1), "", "", ErrUnknownPlace},
	} {
		p, err := LookupPlace(tc.code, tc.at)
		if tc.err != nil {
			require.ErrorIs(t, err, tc.err, "LookupPlace(%q, %v)", tc.code, tc.at)
			var pe *PlaceError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.code, pe.Code)
			continue
		}
		require.NoError(t, err, "LookupPlace(%q, %v)", tc.code, tc.at)
		assert.Equal(t, tc.name, p.Name, "LookupPlace(%q, %v).Name", tc.code, tc.at)
		assert.Equal(t, tc.prov, p.Province, "LookupPlace(%q, %v).Province", tc.code, tc.at)
	}

	de, err := LookupPlace("Z112", time.Time{})
	require.NoError(t, err)
	assert.True(t, de.Foreign)
	assert.Equal(t, "DEU", de.ISO3166)
	rm, err := LookupPlace("H501", time.Time{})
	require.NoError(t, err)
	assert.Equal(t, "12", rm.Region, "Lazio")
	assert.True(t, rm.To.IsZero())
	assert.Equal(t, "ROMA (RM)", rm.String())
	assert.Equal(t, `cie: place "D877" on 1990-01-01: place not valid at that date`, func() string {
		_, err := LookupPlace("D877", day(1990, 1, 1))
		return err.Error()
	}())
}

func TestPlaceHistory(t *testing.T) {
	t.Parallel()
	h := PlaceHistory("A001")
	require.Len(t, h, 2)
	assert.Equal(t, "ABANO", h[0].Name)
	assert.Equal(t, day(1924, 11, 13), h[0].To)
	assert.Equal(t, "ABANO TERME", h[1].Name)
	assert.Nil(t, PlaceHistory("XXXX"))
}

func TestFindComune(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, prov string
		at         time.Time
		codes      []string
	}{
		{"Forlì", "FC", day(2017, 5, 2), []string{"D704"}},
		{"FORLI'", "", day(2017, 5, 2), []string{"D704"}},
		{"forli", "FC", day(2017, 5, 2), []string{"D704"}},
		{"Cava de' Tirreni", "SA", day(2017, 5, 15), []string{"C361"}},
		{"Città di Castello", "PG", day(2017, 5, 29), []string{"C745"}},
		{"Sant'Anastasia", "NA", day(2017, 6, 26), []string{"I262"}},
		{"Vignola", "", day(1925, 1, 1), []string{"L884", "L885"}}, // TN and MO, 1920-1929
		{"Vignola", "MO", day(2017, 6, 26), []string{"L885"}},
		{"Corigliano Calabro", "CS", day(2017, 5, 29), []string{"D005"}},
		{"Corigliano Calabro", "CS", day(2026, 1, 1), nil}, // merged into Corigliano-Rossano in 2018
		{"Bolzano", "BZ", day(2020, 1, 1), []string{"A952"}},
		{"Bozen", "BZ", day(2020, 1, 1), []string{"A952"}}, // the German name
		{"Atlantide", "", time.Time{}, nil},
	} {
		got, err := FindComune(tc.name, tc.prov, tc.at)
		require.NoError(t, err)
		var codes []string
		for _, p := range got {
			codes = append(codes, p.Code)
		}
		assert.Equal(t, tc.codes, codes, "FindComune(%q, %q, %v)", tc.name, tc.prov, tc.at)
	}
	_, err := FindComune(" '- ", "", time.Time{})
	assert.Error(t, err)
}

func TestSuggestComune(t *testing.T) {
	t.Parallel()
	s := SuggestComune("Giuliano in Campania", "NA", day(2017, 5, 2), 1)
	require.Len(t, s, 1)
	assert.Equal(t, "GIUGLIANO IN CAMPANIA", s[0].Name)
	s = SuggestComune("Castellamare di Stabia", "", time.Time{}, 3)
	require.NotEmpty(t, s)
	assert.Equal(t, "CASTELLAMMARE DI STABIA", s[0].Name)
	assert.Empty(t, SuggestComune("Qwertyuiopasdfg", "", time.Time{}, 3))
	assert.Empty(t, SuggestComune("Roma", "", time.Time{}, 0))
}

func TestForeignStates(t *testing.T) {
	t.Parallel()
	got, err := FindForeignState("Germania", day(2000, 1, 1))
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "Z112", got[0].Code)
	got, err = FindForeignState("germany", time.Time{})
	require.NoError(t, err)
	require.Len(t, got, 1)
	p, err := ForeignStateByISO("usa", day(2020, 1, 1))
	require.NoError(t, err)
	assert.Equal(t, "Z404", p.Code)
	_, err = ForeignStateByISO("XXX", day(2020, 1, 1))
	assert.True(t, errors.Is(err, ErrUnknownPlace))

	n, foreign := 0, 0
	for p := range Comuni() {
		n++
		assert.False(t, p.Foreign)
		if n > 100 {
			break
		}
	}
	for p := range ForeignStates() {
		foreign++
		assert.True(t, p.Foreign)
		assert.Equal(t, byte('Z'), p.Code[0])
	}
	assert.Greater(t, foreign, 200)
}

func TestEditDistance(t *testing.T) {
	t.Parallel()
	assert.Equal(t, 0, editDistance("ROMA", "ROMA", 3))
	assert.Equal(t, 1, editDistance("ROMA", "ROME", 3))
	assert.Equal(t, 3, editDistance("", "ABC", 3))
	assert.Equal(t, 3, editDistance("KITTEN", "SITTING", 5))
	assert.Equal(t, 3, editDistance("ABCDEFGH", "ZZZZZZZZ", 2), "limit+1 past the limit")
}

func FuzzFindComune(f *testing.F) {
	f.Add("Forlì", "FC", int64(0))
	f.Add("Sant'Anastasia", "", int64(1500000000))
	f.Add("\xff\xfe", "zz", int64(-1))
	f.Fuzz(func(t *testing.T, name, prov string, unix int64) {
		at := time.Unix(unix%(1<<40), 0)
		got, err := FindComune(name, prov, at)
		if err == nil {
			for _, p := range got {
				if p.Foreign || (!at.IsZero() && !p.ValidAt(at)) {
					t.Fatalf("FindComune(%q, %q, %v) returned %v", name, prov, at, p)
				}
			}
		}
		_, _ = LookupPlace(name, at)
		_ = SuggestComune(name, prov, at, 2)
	})
}

func BenchmarkLookupPlace(b *testing.B) {
	at := day(1980, 1, 1)
	places()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LookupPlace("H501", at); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFindComune(b *testing.B) {
	at := day(2017, 5, 2)
	places()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := FindComune("Forlì", "FC", at); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSuggestComune(b *testing.B) {
	places()
	b.ReportAllocs()
	for b.Loop() {
		SuggestComune("Giuliano in Campania", "", time.Time{}, 1)
	}
}
