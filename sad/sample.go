package sad

import (
	_ "embed"
	"strings"
)

//go:embed sample_register.xml
var sampleRegister string

// SampleSubjects returns the sample register: seven synthetic people (no
// real person) covering the issuance cases: Italian adults with and without
// a current document, a minor under 12 born abroad with both parents, a
// minor aged 12-17, and a foreign (Romanian) citizen resident in Milano.
// It backs [NewMemoryRegistry] in examples, demos and tests. Each call
// decodes a fresh copy the caller owns.
func SampleSubjects() []Subject {
	resp, err := Codec{}.DecodeResponse(strings.NewReader(sampleRegister))
	if err != nil {
		// The file is part of the package and tested: this is a build defect.
		panic("sad: embedded sample register: " + err.Error())
	}
	return resp.Subjects
}
