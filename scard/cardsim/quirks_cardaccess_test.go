package cardsim_test

import (
	"bytes"
	"testing"

	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
)

// TestSetCardAccess: EF.CardAccess lists only ECDH GM while the chip still
// runs DH GM too (a terminal that takes the first PACEInfo then runs
// ECDH); nil restores the card's own file.
func TestSetCardAccess(t *testing.T) {
	can, err := emrtd.NewCAN("123456")
	if err != nil {
		t.Fatal(err)
	}
	c, err := cardsim.NewCIE(cardsim.CIEOptions{MRZ: testMRZ("CA00000AA", "850315", "340315"), CAN: can, KeyBits: 1024, ECDH: true, Rand: cardsim.DeterministicRand(3)})
	if err != nil {
		t.Fatal(err)
	}
	read := func() []byte { return readCardAccess(t, c) }
	all := read()
	infos, err := emrtd.ParseCardAccess(all)
	if err != nil || len(infos.PACE) != 2 {
		t.Fatalf("own EF.CardAccess: %v, %v", infos, err)
	}
	ecdh, err := infos.PACE[1].Marshal()
	if err != nil {
		t.Fatal(err)
	}
	c.SetCardAccess(emrtd.MarshalSecurityInfos(ecdh))
	got, err := emrtd.ParseCardAccess(read())
	if err != nil || len(got.PACE) != 1 || got.PACE[0].ParameterID != emrtd.ParamP256 {
		t.Fatalf("set EF.CardAccess: %+v, %v", got, err)
	}
	// The chip still accepts DH GM, which EF.CardAccess no longer lists.
	set, err := emrtd.MSESetATPACE(infos.PACE[0].Protocol, emrtd.PasswordCAN, -1)
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.Transmit(t.Context(), append([]byte{0x00, 0x22, 0xC1, 0xA4, byte(len(set))}, set...))
	if err != nil || !bytes.Equal(r, []byte{0x90, 0x00}) {
		t.Fatalf("MSE:SET AT DH GM: %X, %v", r, err)
	}
	c.SetCardAccess(nil)
	if !bytes.Equal(read(), all) {
		t.Fatal("SetCardAccess(nil) did not restore EF.CardAccess")
	}
}

// TestSetCardAccessRestoresPACEInfos: on a card with CIEOptions.PACEInfos,
// SetCardAccess(nil) restores the file listing those, not the CIE's.
func TestSetCardAccessRestoresPACEInfos(t *testing.T) {
	c := newCIE(t, func(o *cardsim.CIEOptions) { o.PACEInfos = cardsim.PACEIntegratedMapping() })
	read := func() []byte { return readCardAccess(t, c) }
	own := read()
	c.SetCardAccess(cardsim.MarshalCardAccess(false))
	c.SetCardAccess(nil)
	if got := read(); !bytes.Equal(got, own) {
		t.Fatalf("SetCardAccess(nil) gave %X, want the card's own %X", got, own)
	}
}

// readCardAccess reads EF.CardAccess by its short file identifier (1C).
func readCardAccess(t *testing.T, c *cardsim.CIE) []byte {
	t.Helper()
	r, err := c.Transmit(t.Context(), []byte{0x00, 0xB0, 0x9C, 0x00, 0x00})
	if err != nil || len(r) < 2 || !bytes.Equal(r[len(r)-2:], []byte{0x90, 0x00}) {
		t.Fatalf("READ BINARY EF.CardAccess: %X, %v", r, err)
	}
	return r[:len(r)-2]
}
