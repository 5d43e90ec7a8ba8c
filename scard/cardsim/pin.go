package cardsim

import "crypto/subtle"

// secret is a PIN or PUK with its retry counter. The value never leaves
// the simulator and is compared in constant time.
type secret struct {
	value []byte
	left  int
	max   int
}

func newSecret(v string, tries int) *secret {
	return &secret{value: []byte(v), left: tries, max: tries}
}

// verify checks v and updates the counter. It returns the status word:
// 9000, 63Cx (x tries left; 63C0 on the attempt that blocks it), 6983
// when already blocked.
func (s *secret) verify(v []byte) uint16 {
	if s.left == 0 {
		return 0x6983
	}
	if len(v) == len(s.value) && subtle.ConstantTimeCompare(v, s.value) == 1 {
		s.left = s.max
		return 0x9000
	}
	s.left-- // the attempt that blocks answers 63C0; later ones 6983
	return 0x63C0 | uint16(min(s.left, 15))
}

// status is the answer to a VERIFY without data: 9000 if verified in the
// session, 63Cx otherwise, 6983 blocked.
func (s *secret) status(verified bool) uint16 {
	switch {
	case s.left == 0:
		return 0x6983
	case verified:
		return 0x9000
	}
	return 0x63C0 | uint16(min(s.left, 15))
}

func (s *secret) set(v []byte) {
	s.value = append(s.value[:0], v...)
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
