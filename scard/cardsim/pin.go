package cardsim

import "github.com/ciekit/ciekit/internal/secret"

// refData is a PIN, PUK or password (ISO/IEC 7816-4 reference data) with
// its retry counter. The value never leaves the simulator, prints as a
// redaction and is compared in constant time.
type refData struct {
	value secret.Value
	left  int
	max   int
}

func newRefData(v []byte, tries int) *refData {
	return &refData{value: secret.New(v), left: tries, max: tries}
}

// verify checks v and updates the counter. It returns the status word:
// 9000, 63Cx (x tries left; 63C0 on the attempt that blocks it), 6983
// when already blocked.
func (s *refData) verify(v []byte) uint16 {
	if s.left == 0 {
		return 0x6983
	}
	if secret.Equal(secret.New(v), s.value) {
		s.left = s.max
		return 0x9000
	}
	s.left-- // the attempt that blocks answers 63C0; later ones 6983
	return 0x63C0 | uint16(min(s.left, 15))
}

// status is the answer to a VERIFY without data: 9000 if verified in the
// session, 63Cx otherwise, 6983 blocked.
func (s *refData) status(verified bool) uint16 {
	switch {
	case s.left == 0:
		return 0x6983
	case verified:
		return 0x9000
	}
	return 0x63C0 | uint16(min(s.left, 15))
}

func (s *refData) set(v []byte) {
	s.value.Zero()
	s.value = secret.New(v)
	s.left = s.max
}

// validPIN reports whether v is 8 ASCII digits, the CIE PIN and PUK format.
func validPIN(v []byte) bool {
	if len(v) != 8 {
		return false
	}
	for _, c := range v {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
