package ias

import (
	"testing"

	"github.com/ciekit/ciekit/internal/secret"
	"github.com/ciekit/ciekit/scard"
)

// FuzzUnwrapResponse feeds arbitrary bodies to the IAS secure-messaging
// response parser, without and with a session: it must never panic, and
// must return either an error or a response, never both.
func FuzzUnwrapResponse(f *testing.F) {
	f.Add([]byte{0x99, 0x02, 0x90, 0x00, 0x8E, 0x08, 1, 2, 3, 4, 5, 6, 7, 8})
	f.Add([]byte{0x87, 0x09, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0x99, 0x02, 0x90, 0x00, 0x8E, 0x08, 1, 2, 3, 4, 5, 6, 7, 8})
	f.Add([]byte{0x85, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x99, 0x02, 0x62, 0x82, 0x8E, 0x08, 1, 2, 3, 4, 5, 6, 7, 8})
	f.Add([]byte{0x87, 0x82, 0x01, 0x01, 0x01})
	f.Fuzz(func(t *testing.T, body []byte) {
		if r, err := unwrapResponse(body, nil); err != nil && (r.SW != 0 || r.Data != nil) {
			t.Fatalf("unwrapResponse(%X) = %v with error %v", body, r, err)
		}
		s := &session{kenc: secret.New(make([]byte, 16)), kmac: secret.New(make([]byte, 16))}
		r, err := s.unwrap(scard.Response{Data: body, SW: 0x9000})
		if err != nil && (r.SW != 0 || r.Data != nil) {
			t.Fatalf("unwrap(%X) = %v with error %v", body, r, err)
		}
	})
}

// FuzzParseCardData feeds arbitrary bytes to the parsers of the card's
// answers in the channel set-up: DH parameters, CA key, DAPP key (EF
// 1004) and the card's DH public key.
func FuzzParseCardData(f *testing.F) {
	f.Add([]byte{0x70, 0x0C, 0xBF, 0xA1, 0x01, 0x08, 0xA3, 0x06, 0x97, 0x01, 0x02, 0x98, 0x01, 0x17})
	f.Add([]byte{0x70, 0x10, 0xBF, 0xA0, 0x04, 0x0C, 0x7F, 0x49, 0x09, 0x81, 0x01, 0xFF, 0x82, 0x01, 0x03, 0x5F, 0x20, 0x00})
	f.Add([]byte{0x30, 0x08, 0x02, 0x02, 0x00, 0xC1, 0x02, 0x02, 0x01, 0x00})
	f.Add([]byte{0xA6, 0x04, 0x91, 0x02, 0x12, 0x34})
	f.Fuzz(func(t *testing.T, b []byte) {
		if d, err := ParseDHParams(b); (d == nil) == (err == nil) {
			t.Fatalf("ParseDHParams(%X) = %v, %v", b, d, err)
		}
		if k, err := ParseCAKey(b); (k == nil) == (err == nil) {
			t.Fatalf("ParseCAKey(%X) = %v, %v", b, k, err)
		}
		if k, err := ParseDAPPKey(b); (k == nil) == (err == nil) {
			t.Fatalf("ParseDAPPKey(%X) = %v, %v", b, k, err)
		}
		if k, err := ParseICCPublicKey(b); (k == nil) == (err == nil) {
			t.Fatalf("ParseICCPublicKey(%X) = %v, %v", b, k, err)
		}
		if k, err := ParseCAKey(b); err == nil {
			_, _ = TerminalCertificate(k) // must not panic on any parsed key
		}
	})
}
