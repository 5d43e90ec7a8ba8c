package sad

import (
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
