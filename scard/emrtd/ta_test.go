package emrtd_test

import (
	"testing"

	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/stretchr/testify/assert"
)

// TestDocumentID: ID_PICC after BAC is the document number with its check
// digit; the MRZ information of ICAO Doc 9303-11 appendix D.2 starts
// "L898902C<3".
func TestDocumentID(t *testing.T) {
	assert.Equal(t, "L898902C<3", string(emrtd.DocumentID("L898902C")))
	assert.Equal(t, "L898902C<3", string(emrtd.DocumentID("L898902C<")))
}
