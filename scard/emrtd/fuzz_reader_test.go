package emrtd_test

import (
	"context"
	"encoding/hex"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ciekit/ciekit/internal/secret/secrettest"
	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/ciekit/ciekit/scard/scardtest"
)

// The reader side against a hostile card (issue 25). Three kinds of
// target: the responses of a real simulated session, mutated by the fuzzer
// (FuzzReadBAC, FuzzReadPACE: the fuzzer gets past SELECT and BAC/PACE and
// meets secure messaging, chip authentication and the files); and a card
// that speaks correct BAC and secure messaging around files the fuzzer
// writes (FuzzReadFiles: the data groups, EF.SOD and DG14 behind the MAC,
// then chip authentication and passive authentication). Each run must end
// in bounded APDUs ([scardtest.Hostile] stops a reader that loops), return
// a document or an error but not both, and no error may carry the access
// keys.

// readerRand is the terminal's randomness: the same in the recording and
// in every replay, so the replayed card's answers fit the terminal's
// nonces until the fuzzer changes one.
func readerRand() scard.CardOptions {
	return scard.CardOptions{Rand: cardsim.DeterministicRand(7)}
}

// accessSecrets are the strings no error may contain: the MRZ key
// information (document number, birth and expiry dates with check digits)
// and the BAC keys derived from it, in hex.
var accessSecrets = sync.OnceValue(func() []string {
	k, err := emrtd.MRZKeyFromMRZ(simMRZ)
	if err != nil {
		panic(err)
	}
	info, err := k.Info()
	if err != nil {
		panic(err)
	}
	kEnc, kMac, err := k.BACKeys()
	if err != nil {
		panic(err)
	}
	out := []string{info}
	for _, b := range [][]byte{kEnc, kMac} {
		out = append(out, hex.EncodeToString(b), strings.ToUpper(hex.EncodeToString(b)), string(b))
	}
	return out
})

// checkRead holds one hostile run to the contract.
func checkRead(t *testing.T, h *scardtest.Hostile, doc *emrtd.Document, err error) {
	t.Helper()
	if h.Exceeded() {
		t.Fatalf("reader sent more than %d APDUs (last error %v)", h.Commands(), err)
	}
	if (doc == nil) == (err == nil) {
		t.Fatalf("document %v with error %v", doc != nil, err)
	}
	if err != nil {
		msg := err.Error()
		for _, s := range accessSecrets() {
			if strings.Contains(msg, s) {
				t.Fatalf("error carries access key material: %q", msg)
			}
		}
	}
}

// verify runs passive authentication on a document the hostile card let
// through. It must not panic; as documented, the result comes whenever the
// SOD parsed, with or without an error; and no error means a verified chain
// and every data group read among the verified ones.
func verify(t *testing.T, doc *emrtd.Document) {
	t.Helper()
	res, err := doc.Verify(emrtd.PAOptions{CSCA: simPKI().CSCAPool()})
	if err != nil {
		return
	}
	if res == nil || res.Chain == nil {
		t.Fatalf("passive authentication passed without a result or a chain")
	}
	for n := range doc.DataGroups {
		if !slices.Contains(res.Verified, n) {
			t.Fatalf("passive authentication passed, but DG%d is not among the verified %v", n, res.Verified)
		}
	}
}

// tape records one real session of the simulated CIE.
func tape(tb testing.TB, ecdh bool, opts emrtd.ReadOptions) [][]byte {
	tb.Helper()
	tp := &scardtest.Tape{T: newSimCIE(tb, ecdh)}
	if _, err := emrtd.Read(context.Background(), scard.NewCard(tp, readerRand()), opts); err != nil {
		tb.Fatalf("recording the session: %v", err)
	}
	return tp.Responses
}

// readLimit bounds the APDUs of a hostile read: files read before secure
// messaging (EF.CardAccess, twice with the MF fallback) can take scard's
// whole per-file budget (4 per 223-byte chunk of at most 1 MiB, plus 64,
// plus one command's 1 + 1024 GET RESPONSE rounds); under secure messaging
// the first forged answer ends the read.
const readLimit = 2*(4*4703+64+1026) + 4096

func fuzzSession(f *testing.F, session [][]byte, opts emrtd.ReadOptions) {
	f.Fuzz(func(t *testing.T, ops, tail []byte) {
		h := scardtest.MutatedCard(session, ops, tail, readLimit)
		doc, err := emrtd.Read(t.Context(), scard.NewCard(h, readerRand()), opts)
		checkRead(t, h, doc, err)
		if doc != nil {
			verify(t, doc)
		}
	})
}

// FuzzReadBAC: a full read with BAC and chip authentication, the card's
// answers those of a recorded simulated session with fuzzer mutations
// ([scardtest.Mutate]) and, once the session is spent, a fuzzer-chosen
// answer forever.
func FuzzReadBAC(f *testing.F) {
	opts := emrtd.ReadOptions{MRZ: simKey(f), NoPACE: true, ChipAuthentication: true}
	session := tape(f, false, opts)
	scardtest.AddMutationSeeds(f, session)
	fuzzSession(f, session, opts)
}

// FuzzReadPACE: a full read with PACE (CAN, DH generic mapping), the card's
// answers a mutated recorded session.
func FuzzReadPACE(f *testing.F) {
	opts := emrtd.ReadOptions{CAN: mustCAN(simCAN), DataGroups: []int{1, 11, 12}}
	session := tape(f, false, opts)
	scardtest.AddMutationSeeds(f, session)
	fuzzSession(f, session, opts)
}

// fileCard is a plain eMRTD file system: SELECT by FID or AID and READ
// BINARY over files the fuzzer wrote; MSE and GENERAL AUTHENTICATE (chip
// authentication) answer 9000; anything else 6D00.
type fileCard struct {
	files map[uint16][]byte
	cur   []byte
}

func (c *fileCard) Transmit(_ context.Context, capdu []byte) ([]byte, error) {
	cmd, err := scard.ParseCommand(capdu)
	if err != nil {
		return []byte{0x67, 0x00}, nil
	}
	switch cmd.INS {
	case scard.InsSelect:
		if cmd.P1 == 0x04 {
			return []byte{0x90, 0x00}, nil
		}
		if len(cmd.Data) != 2 {
			return []byte{0x6A, 0x86}, nil
		}
		f, ok := c.files[uint16(cmd.Data[0])<<8|uint16(cmd.Data[1])]
		if !ok {
			return []byte{0x6A, 0x82}, nil
		}
		c.cur = f
		return []byte{0x90, 0x00}, nil
	case scard.InsReadBinary:
		off := int(cmd.P1)<<8 | int(cmd.P2)
		if c.cur == nil || cmd.P1&0x80 != 0 {
			return []byte{0x69, 0x86}, nil
		}
		if off > len(c.cur) {
			return []byte{0x6B, 0x00}, nil
		}
		end := min(off+cmd.Ne, len(c.cur))
		sw := []byte{0x90, 0x00}
		if end-off < cmd.Ne {
			sw = []byte{0x62, 0x82}
		}
		return append(append([]byte(nil), c.cur[off:end]...), sw...), nil
	case scard.InsManageSecurityEnvironment, scard.InsGeneralAuthenticate:
		return []byte{0x90, 0x00}, nil
	}
	return []byte{0x6D, 0x00}, nil
}

// fileFIDs are the files FuzzReadFiles writes, in the order of its input.
var fileFIDs = []uint16{emrtd.FIDCOM, emrtd.FIDDataGroup(1), emrtd.FIDDataGroup(2), emrtd.FIDDataGroup(11),
	emrtd.FIDDataGroup(12), emrtd.FIDDataGroup(14), emrtd.FIDSOD}

// bacCard is a card that runs the chip side of BAC (emrtd.BACChip) and
// serves files under the secure messaging it establishes.
func bacCard(t testing.TB, files map[uint16][]byte) *scardtest.Sealed {
	chip, err := emrtd.NewBACChip(simKey(t), cardsim.DeterministicRand(3))
	if err != nil {
		t.Fatal(err)
	}
	return &scardtest.Sealed{
		Plain: &fileCard{files: files},
		Handshake: func(cmd scard.Command) ([]byte, *scard.SecureMessaging, error) {
			switch cmd.INS {
			case scard.InsGetChallenge:
				r, err := chip.Challenge()
				return append(r, 0x90, 0x00), nil, err
			case scard.InsExternalAuthenticate:
				r, sm, err := chip.MutualAuthenticate(cmd.Data)
				if err != nil {
					return []byte{0x63, 0x00}, nil, nil
				}
				return append(r, 0x90, 0x00), sm, nil
			}
			return nil, nil, nil
		},
	}
}

// FuzzReadFiles: BAC and secure messaging are right, the files behind them
// are the fuzzer's (seeded with the simulated CIE's EF.COM, DG1, DG2, DG11,
// DG12, DG14 and EF.SOD, which pass passive authentication): the LDS
// parsers, chip authentication on a fuzzer DG14 and passive authentication
// on a fuzzer SOD, all through the real reader.
func FuzzReadFiles(f *testing.F) {
	sim := newSimCIE(f, false)
	var real [][]byte
	for _, fid := range fileFIDs {
		real = append(real, sim.DataGroup(int(fid&0xFF)))
	}
	f.Add(scardtest.EncodeResponses(real), false)
	f.Add(scardtest.EncodeResponses(real), true)
	f.Add([]byte{0x00, 0x04, 0x60, 0x02, 0x01, 0x02}, false)
	f.Fuzz(func(t *testing.T, in []byte, ca bool) {
		files := map[uint16][]byte{}
		for i, b := range scardtest.DecodeResponses(in) {
			if i < len(fileFIDs) {
				files[fileFIDs[i]] = b
			}
		}
		h := &scardtest.Hostile{}
		card := bacCard(t, files)
		counted := &countingCard{Hostile: h, t: card}
		doc, err := emrtd.Read(t.Context(), scard.NewCard(counted, readerRand()),
			emrtd.ReadOptions{MRZ: simKey(t), NoPACE: true, ChipAuthentication: ca})
		checkRead(t, h, doc, err)
		if doc != nil {
			verify(t, doc)
		}
	})
}

// countingCard passes commands to t, charging each to the Hostile's APDU
// limit first.
type countingCard struct {
	*scardtest.Hostile
	t scard.Transmitter
}

func (c *countingCard) Transmit(ctx context.Context, capdu []byte) ([]byte, error) {
	if _, err := c.Hostile.Transmit(ctx, capdu); err != nil && err != scard.ErrCardRemoved {
		return nil, err
	}
	return c.t.Transmit(ctx, capdu)
}

// TestHostileErrorsKeepSecrets: the errors of hostile sessions (each
// mutation kind at each response of a BAC and a PACE session) print none
// of the access secrets under any verb or handler (secrettest).
func TestHostileErrorsKeepSecrets(t *testing.T) {
	if testing.Short() {
		t.Skip("records two sessions and replays a few hundred mutations")
	}
	t.Parallel()
	k := simKey(t)
	info, err := k.Info()
	if err != nil {
		t.Fatal(err)
	}
	kEnc, kMac, err := k.BACKeys()
	if err != nil {
		t.Fatal(err)
	}
	secrets := [][]byte{[]byte(info), kEnc, kMac, []byte(simCAN)}
	for _, opts := range []emrtd.ReadOptions{
		{MRZ: k, NoPACE: true, ChipAuthentication: true},
		{CAN: mustCAN(simCAN), DataGroups: []int{1}},
	} {
		session := tape(t, false, opts)
		errs := 0
		for i := range session {
			for op := range byte(8) {
				h := &scardtest.Hostile{Responses: scardtest.Mutate(session, []byte{byte(i), op, 0, 3, 0x55})}
				_, err := emrtd.Read(t.Context(), scard.NewCard(h, readerRand()), opts)
				if err == nil {
					continue
				}
				errs++
				// The message, not the error value: secrettest's four-byte
				// windows ("A000" of the document number) match pointer
				// addresses printed without 0x under %X.
				if r := secrettest.Leak(err.Error(), secrets...); r != "" {
					t.Errorf("response %d, mutation %d: error leaks a secret: %s", i, op, r)
				}
			}
		}
		if errs == 0 {
			t.Fatal("no mutation made the read fail: the test tests nothing")
		}
	}
}
