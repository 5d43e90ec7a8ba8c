//go:build (cgo || windows) && !ciekit_nopcsc

package pcsc

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciekit/ciekit/cie"
	"github.com/ciekit/ciekit/internal/pcsclock"
	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/ciekit/ciekit/scard/ias"
	"github.com/ciekit/ciekit/scard/sco"
	"github.com/ciekit/ciekit/scard/vpcd"
)

// The readers that vsmartcard-vpcd gives pcscd (Debian's
// /etc/reader.conf.d/vpcd: CHANNELID 0x8C7B, ports 35963 and 35964).
const (
	reader0 = "Virtual PCD 00 00"
	reader1 = "Virtual PCD 00 01"
)

// openPCSC opens a context or skips the test with the reason.
func openPCSC(t *testing.T) *Context {
	t.Helper()
	pcsclock.Acquire(t)
	c, err := Open()
	if errors.Is(err, scard.ErrNoService) {
		t.Skipf("pcscd is not running: %v", err)
	}
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	readers, err := c.Readers()
	if err != nil || !slices.Contains(readers, reader0) || !slices.Contains(readers, reader1) {
		t.Skipf("the vsmartcard-vpcd readers are not configured (readers %q, %v)", readers, err)
	}
	return c
}

func specimen(t *testing.T) *cardsim.CIE {
	t.Helper()
	holder := cie.Person{
		Surname: "Rossi", GivenNames: "Maria Luisa", Sex: cie.SexFemale,
		BirthDate:   time.Date(1985, 3, 15, 0, 0, 0, 0, time.UTC),
		BirthPlace:  cie.Place{Code: "H501", Name: "ROMA", Province: "RM"},
		Citizenship: "ITA",
	}
	cf, err := cie.ComputeCodiceFiscale(holder)
	require.NoError(t, err)
	holder.CodiceFiscale = cf
	sim, err := cardsim.NewCIE(cardsim.CIEOptions{
		Card: &cie.Card{
			Holder: holder,
			Document: cie.Document{Number: "CA00000AA", IssueDate: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC),
				ExpiryDate: time.Date(2034, 3, 15, 0, 0, 0, 0, time.UTC), IssuingComune: "Roma", ValidForTravel: true, CAN: "123456"},
		},
		Photo: []byte("JPEG 2000 bytes"), NIS: "123456789012", KeyBits: 1024, Rand: cardsim.DeterministicRand(7),
	})
	require.NoError(t, err)
	return sim
}

// serve bridges a simulated card into a vpcd reader and waits until pcscd
// sees it.
func serve(t *testing.T, c *Context, addr, reader string, card vpcd.Card) *vpcd.Bridge {
	t.Helper()
	b := vpcd.Start(t.Context(), addr, card, &vpcd.Options{Retry: 20 * time.Millisecond})
	t.Cleanup(func() {
		// Leave the reader empty for the next test: pcscd notices a
		// removal only at its next presence poll.
		b.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := c.WaitForRemoval(ctx, reader); err != nil {
			t.Errorf("the reader %s still has a card: %v", reader, err)
		}
	})
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
	defer cancel()
	require.NoError(t, c.WaitForCard(ctx, reader), "pcscd did not see the simulated card in %s (bridge: %v)", reader, b.Err())
	return b
}

// TestEndToEnd reads the simulated CIE through pcscd: PACE with the CAN
// (extended APDUs), then BAC with the MRZ, passive authentication, the NIS
// with internal authentication; and logs into the simulated SCO in the
// second reader. The pcscd tests run one after the other: the daemon and
// its readers are shared by the whole machine.
func TestEndToEnd(t *testing.T) {
	c := openPCSC(t)
	sim := specimen(t)
	serve(t, c, vpcd.Reader0Addr, reader0, sim)
	simSCO, err := cardsim.NewSCO(cardsim.SCOOptions{MasterPassword: mustMaster("Master-Password-1"), Operator: "RSSMRA80A01H501U", KeyBits: 1024, Rand: cardsim.DeterministicRand(3)})
	require.NoError(t, err)
	serve(t, c, vpcd.Reader1Addr, reader1, simSCO)

	ctx := t.Context()
	card, err := c.Connect(ctx, reader0, nil)
	require.NoError(t, err)
	defer card.Close()
	assert.Equal(t, sim.ATR(), card.ATR())
	assert.Equal(t, reader0, card.Reader())

	require.NoError(t, card.BeginTransaction())
	doc, err := emrtd.Read(ctx, scard.NewCard(card, scard.CardOptions{}), emrtd.ReadOptions{CAN: mustCAN("123456")})
	require.NoError(t, err)
	require.NoError(t, card.EndTransaction())
	assert.Equal(t, "PACE", doc.Access)
	res, err := doc.Verify(emrtd.PAOptions{CSCA: sim.PKI().CSCAPool()})
	require.NoError(t, err)
	assert.Contains(t, res.Verified, 2, "DG2, the photo, hashed and verified")
	mrz, err := doc.MRZ()
	require.NoError(t, err)
	assert.Equal(t, "CA00000AA", mrz.DocumentNumber)

	key, err := emrtd.MRZKeyFromMRZ(mustMRZLines(t, doc))
	require.NoError(t, err)
	bac, err := emrtd.Read(ctx, scard.NewCard(card, scard.CardOptions{}), emrtd.ReadOptions{MRZ: key, NoPACE: true})
	require.NoError(t, err)
	assert.Equal(t, "BAC", bac.Access)

	nis, err := ias.NewClient(scard.NewCard(card, scard.CardOptions{})).VerifyNIS(ctx, ias.NISOptions{CSCA: sim.PKI().CSCAPool()})
	require.NoError(t, err)
	assert.Equal(t, "123456789012", nis.NIS)

	// The operator card: activation by the Security Officer, then login.
	op, err := c.Connect(ctx, reader1, nil)
	require.NoError(t, err)
	defer op.Close()
	client := sco.NewClient(scard.NewCard(op, scard.CardOptions{}))
	require.NoError(t, client.Select(ctx))
	so, err := sco.NewMasterPassword("Master-Password-1")
	require.NoError(t, err)
	pin, err := scard.NewPIN("12345678")
	require.NoError(t, err)
	require.NoError(t, client.Activate(ctx, so, pin))
	require.NoError(t, client.Login(ctx, pin))
	info, err := client.Info(ctx)
	require.NoError(t, err)
	assert.Equal(t, sco.Active, info.State)
}

func mustMRZLines(t *testing.T, doc *emrtd.Document) string {
	t.Helper()
	s, err := doc.MRZLines()
	require.NoError(t, err)
	return s
}

// TestCardPulledMidRead pulls the simulated card out in the middle of a
// read: the error says the card was removed, and the reader then reports
// it empty; put back, it reads again.
func TestCardPulledMidRead(t *testing.T) {
	c := openPCSC(t)
	sim := specimen(t)
	serve(t, c, vpcd.Reader0Addr, reader0, sim)
	ctx := t.Context()
	card, err := c.Connect(ctx, reader0, nil)
	require.NoError(t, err)
	defer card.Close()

	sim.RemoveAfter(12) // in the middle of the data groups
	_, err = emrtd.Read(ctx, scard.NewCard(card, scard.CardOptions{}), emrtd.ReadOptions{CAN: mustCAN("123456")})
	require.Error(t, err)
	assert.ErrorIs(t, err, scard.ErrCardRemoved, "got %v", err)

	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	require.NoError(t, c.WaitForRemoval(wctx, reader0))
	_, err = card.Transmit(ctx, []byte{0x00, 0x84, 0x00, 0x00, 0x08})
	assert.ErrorIs(t, err, scard.ErrCardRemoved)

	sim.Insert()
	require.NoError(t, c.WaitForCard(wctx, reader0))
	again, err := c.Connect(ctx, reader0, nil)
	require.NoError(t, err)
	defer again.Close()
	doc, err := emrtd.Read(ctx, scard.NewCard(again, scard.CardOptions{}), emrtd.ReadOptions{CAN: mustCAN("123456")})
	require.NoError(t, err)
	assert.Equal(t, "PACE", doc.Access)
}

func TestErrors(t *testing.T) {
	c := openPCSC(t)
	ctx := t.Context()

	// An empty reader: no card, and waiting honours ctx.
	_, err := c.Connect(ctx, reader1, nil)
	if err == nil {
		t.Skip("a card is in the second virtual reader")
	}
	assert.ErrorIs(t, err, scard.ErrNoCard)
	wctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	assert.ErrorIs(t, c.WaitForCard(wctx, reader1), context.DeadlineExceeded)

	_, err = c.Connect(ctx, "No Such Reader 99", nil)
	assert.ErrorIs(t, err, scard.ErrNoReader)
	assert.ErrorIs(t, c.WaitForCard(ctx, ""), scard.ErrNoReader)

	// ebfe/scard panics on an empty APDU; the adapter refuses it.
	sim := specimen(t)
	serve(t, c, vpcd.Reader0Addr, reader0, sim)
	card, err := c.Connect(ctx, reader0, &ConnectOptions{Exclusive: true})
	require.NoError(t, err)
	defer card.Close()
	_, err = card.Transmit(ctx, nil)
	assert.ErrorIs(t, err, scard.ErrMalformedAPDU)
	_, err = c.Connect(ctx, reader0, nil)
	assert.ErrorIs(t, err, scard.ErrSharingViolation, "the card is held exclusively")
	cctx, ccancel := context.WithCancel(ctx)
	ccancel()
	_, err = card.Transmit(cctx, []byte{0x00, 0x84, 0x00, 0x00, 0x08})
	assert.ErrorIs(t, err, context.Canceled)
}

// mustCAN returns the CAN for 6 digits, or panics.
func mustCAN(digits string) emrtd.CAN {
	c, err := emrtd.NewCAN(digits)
	if err != nil {
		panic(err)
	}
	return c
}

// mustMaster returns the master password, or panics.
func mustMaster(pw string) sco.MasterPassword {
	m, err := sco.NewMasterPassword(pw)
	if err != nil {
		panic(err)
	}
	return m
}
