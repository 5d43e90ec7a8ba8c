package sad

import (
	"github.com/ciekit/ciekit/cie"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSampleSubjects(t *testing.T) {
	t.Parallel()
	subs := SampleSubjects()
	require.Len(t, subs, 7)
	var foreign, minorParents, teen bool
	for _, s := range subs {
		if len(s.Citizenships) > 0 && s.Citizenships[0].IstatCode != "100" {
			foreign = true
		}
		if s.Parents != nil && s.Parents.Father != nil && s.Parents.Mother != nil {
			minorParents = true
		}
		if y := s.BirthDate.Year(); y >= 2009 && y <= 2013 {
			teen = true
		}
	}
	assert.True(t, foreign && minorParents && teen, "sample cases")
	subs[0].Surname = "CHANGED"
	assert.NotEqual(t, "CHANGED", SampleSubjects()[0].Surname, "fresh copy per call")
}

func TestSubjectPerson(t *testing.T) {
	t.Parallel()
	want := map[string]struct{ place, citizenship string }{
		"RSSMRA80A41H501Y": {"H501", "ITA"},
		"BNCLCU15T10Z110Y": {"Z110", "ITA"},
		"PPSNDR90L15Z129Y": {"Z129", "ROU"},
	}
	for _, s := range SampleSubjects() {
		p, err := s.Person()
		require.NoError(t, err, "%s.Person()", s.CodiceFiscale)
		if w, ok := want[s.CodiceFiscale]; ok {
			assert.Equal(t, w.place, p.BirthPlace.Code, "%s birth place", s.CodiceFiscale)
			assert.Equal(t, w.citizenship, p.Citizenship, "%s citizenship", s.CodiceFiscale)
		}
		assert.Equal(t, s.CodiceFiscale, string(p.CodiceFiscale))
	}
	s := SampleSubjects()[0]
	s.BirthComune = &Place{IstatCode: "999999"}
	_, err := s.Person()
	require.ErrorIs(t, err, cie.ErrUnknownPlace)
}
