package main

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math/big"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/ias"
	"github.com/ciekit/ciekit/scard/scardtest"
	"github.com/ciekit/ciekit/scripts/internal/interop"
)

// The transcripts in testdata were recorded with cardserve while the
// official CIE middleware (italia/cie-middleware-linux, built outside the
// repository; see ../RESULTS.md) ran against the simulated CIE (run.sh):
//   - middleware-list: pkcs11-tool -L;
//   - middleware-enrol: its enrolment (AbilitaCIE: DH, DAPP, VERIFY PIN,
//     certificate, IAS SOD check);
//   - middleware-pin: its PIN manager (CambioPIN, SbloccoPIN: wrong PINs
//     down to blocked, wrong PUK, unblock with the PUK, change);
//   - middleware-pkcs11: pkcs11-tool through its PKCS#11 module: log in and
//     list the objects, read the certificate, sign with RSA-PKCS,
//     SHA1-RSA-PKCS and SHA256-RSA-PKCS;
//   - middleware-pkcs11-pin: pkcs11-tool: three wrong PINs, the blocked PIN,
//     a wrong PUK, C_InitPIN as SO with the PUK, log in, C_SetPIN, sign.
// middleware-signatures.txt holds the signatures pkcs11-tool wrote.

const (
	enrolTranscript     = "testdata/middleware-enrol.apdu"
	pkcs11Transcript    = "testdata/middleware-pkcs11.apdu"
	pkcs11PINTranscript = "testdata/middleware-pkcs11-pin.apdu"
)

var transcripts = []string{
	"testdata/middleware-list.apdu", enrolTranscript, "testdata/middleware-pin.apdu",
	pkcs11Transcript, pkcs11PINTranscript,
}

// resetLines counts the comment lines of a transcript file that note a
// reader's reset, read as text (not through the transcript parser).
func resetLines(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for line := range strings.Lines(string(b)) {
		if c, ok := strings.CutPrefix(strings.TrimSpace(line), "#"); ok && strings.TrimSpace(c) == scardtest.ResetComment {
			n++
		}
	}
	return n
}

// TestReplayMiddleware sends the middleware's recorded commands to a fresh
// simulated CIE, with the recorded resets, and wants the recorded answers
// byte for byte: the card side answers the official middleware the same
// way every time.
func TestReplayMiddleware(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a card with a 2048-bit document signer")
	}
	total := 0
	for _, path := range transcripts {
		t.Run(path, func(t *testing.T) {
			card, err := newCard()
			if err != nil {
				t.Fatal(err)
			}
			_, resets, err := scardtest.ReplayExchanges(t.Context(), card, scardtest.LoadTranscript(t, path))
			if err != nil {
				t.Fatal(err)
			}
			// The middleware resets the card between its sessions; a replay
			// that skipped the resets would test another conversation.
			if want := resetLines(t, path); resets != want {
				t.Errorf("replay reset the card %d times, the transcript %d", resets, want)
			}
			total += resets
		})
	}
	if total == 0 {
		t.Error("no transcript has a reset: the middleware's enrolment and PIN sessions begin with one")
	}
}

// authSequence returns the commands from the DH parameter GET DATA to the
// first VERIFY PIN inclusive.
func authSequence(cmds [][]byte) [][]byte {
	var out [][]byte
	on := false
	for _, c := range cmds {
		if len(c) > 5 && c[1] == 0xCB && c[5] == 0x4D && bytes.Contains(c, []byte{0xBF, 0xA1, 0x01}) {
			on = true
		}
		if on {
			out = append(out, c)
		}
		if on && c[1] == 0x20 && c[3] == 0x81 {
			break
		}
	}
	return out
}

// isSM reports whether c is a secure-messaging command (CLA 0C or 1C).
func isSM(c []byte) bool { return c[0]&0x0C == 0x0C }

// commands returns the commands of a recorded session.
func commands(t *testing.T, path string) [][]byte {
	t.Helper()
	var out [][]byte
	for _, x := range scardtest.LoadTranscript(t, path) {
		out = append(out, x.Command)
	}
	return out
}

// afterVerify returns the commands that follow the n-th (0-based) SM
// VERIFY of the PIN in cmds, up to the first one keep refuses.
func afterVerify(cmds [][]byte, n int, keep func(c []byte) bool) [][]byte {
	for i, c := range cmds {
		if !isSM(c) || c[1] != 0x20 || c[3] != ias.PINRefUser {
			continue
		}
		if n > 0 {
			n--
			continue
		}
		j := i + 1
		for j < len(cmds) && keep(cmds[j]) {
			j++
		}
		return cmds[i+1 : j]
	}
	return nil
}

// signPairs returns the index of each signature the middleware made: an SM
// INTERNAL AUTHENTICATE after an SM MSE:SET that follows VERIFY PIN (in
// DAPP the MSE:SET before INTERNAL AUTHENTICATE follows EXTERNAL
// AUTHENTICATE).
func signPairs(cmds [][]byte) []int {
	var out []int
	for i := 2; i < len(cmds); i++ {
		if isSM(cmds[i]) && cmds[i][1] == 0x88 && cmds[i-1][1] == 0x22 && cmds[i-2][1] == 0x20 {
			out = append(out, i)
		}
	}
	return out
}

// compareShapes reports every command where ciekit and the middleware differ.
func compareShapes(t *testing.T, mw, ck [][]byte) {
	t.Helper()
	if len(mw) == 0 {
		t.Fatal("no middleware commands to compare with")
	}
	t.Logf("comparing %d middleware commands with %d of ciekit's", len(mw), len(ck))
	for _, d := range interop.CompareShapes("middleware", shapes(mw), shapes(ck)) {
		t.Error(d)
	}
}

// shapes returns the shape (interop.Shape) of each command.
func shapes(cmds [][]byte) []string {
	out := make([]string, len(cmds))
	for i, c := range cmds {
		out[i] = interop.Shape(c)
	}
	return out
}

// reader is ciekit's reader on a fresh interop card, with its commands logged.
type reader struct {
	card *cardsim.CIE
	log  *interop.CmdLog
	ic   *ias.Client
}

func newReader(t *testing.T) *reader {
	t.Helper()
	card, err := newCard()
	if err != nil {
		t.Fatal(err)
	}
	log := &interop.CmdLog{T: card}
	return &reader{card: card, log: log, ic: ias.NewClient(scard.NewCard(log, scard.CardOptions{NoExtended: true}))}
}

// mark returns the number of commands sent so far.
func (r *reader) mark() int { return len(r.log.Commands()) }

// since returns the commands sent after mark m.
func (r *reader) since(m int) [][]byte { return r.log.Commands()[m:] }

// login opens the channel and verifies the default PIN.
func (r *reader) login(t *testing.T) {
	t.Helper()
	if err := r.ic.OpenChannel(t.Context(), ias.ChannelOptions{ATR: r.card.ATR(), Rand: cardsim.DeterministicRand(1)}); err != nil {
		t.Fatal(err)
	}
	if err := r.ic.VerifyPIN(t.Context(), mustPIN(t, cardsim.DefaultPIN)); err != nil {
		t.Fatal(err)
	}
}

func mustPIN(t *testing.T, s string) scard.PIN {
	t.Helper()
	p, err := scard.NewPIN(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mustPUK(t *testing.T, s string) scard.PUK {
	t.Helper()
	p, err := scard.NewPUK(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestReaderMatchesMiddleware runs ciekit's reader (scard/ias) on the same
// card and compares its commands with the middleware's, command by command
// (header and length: the cryptograms differ with the randomness): the
// channel and VERIFY PIN of the enrolment and of PKCS#11 C_Login, the reads
// of EF.Serial and EF.CertCIE after the PIN, the C_Sign commands, C_InitPIN
// with the PUK and C_SetPIN.
func TestReaderMatchesMiddleware(t *testing.T) {
	if testing.Short() {
		t.Skip("builds cards with a 2048-bit document signer")
	}
	enrol, p11, p11PIN := commands(t, enrolTranscript), commands(t, pkcs11Transcript), commands(t, pkcs11PINTranscript)

	t.Run("channel and VERIFY PIN", func(t *testing.T) {
		r := newReader(t)
		r.login(t)
		got := authSequence(r.since(0))
		t.Run("enrolment", func(t *testing.T) { compareShapes(t, authSequence(enrol), got) })
		// C_Login does not read EF.Int.Kpub (SELECT 1004, READ BINARY):
		// C_OpenSession read it before; ias.OpenChannel reads it itself.
		t.Run("C_Login", func(t *testing.T) {
			noKeyRead := slices.DeleteFunc(slices.Clone(got), func(c []byte) bool { return !isSM(c) && (c[1] == 0xA4 || c[1] == 0xB0) })
			if len(got)-len(noKeyRead) != 4 {
				t.Errorf("ciekit sent %d plain SELECT and READ BINARY in the channel, want 4 (EF.Int.Kpub)", len(got)-len(noKeyRead))
			}
			compareShapes(t, authSequence(p11), noKeyRead)
		})
	})

	t.Run("EF.Serial and EF.CertCIE after VERIFY PIN", func(t *testing.T) {
		r := newReader(t)
		r.login(t)
		m := r.mark()
		if _, err := r.ic.ReadSerial(t.Context()); err != nil {
			t.Fatal(err)
		}
		cert, err := r.ic.ReadCertificate(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if !cert.Equal(r.card.Certificate()) {
			t.Error("ReadCertificate returned another certificate")
		}
		reads := func(c []byte) bool { return isSM(c) && (c[1] == 0xA4 || c[1] == 0xB0) }
		compareShapes(t, afterVerify(enrol, 0, reads), r.since(m))
	})

	t.Run("C_Sign", func(t *testing.T) {
		msg, sigs := signatures(t)
		pairs := signPairs(p11)
		if len(pairs) != 3 {
			t.Fatalf("found %d signatures in %s, want 3 (RSA-PKCS, SHA1-RSA-PKCS, SHA256-RSA-PKCS)", len(pairs), pkcs11Transcript)
		}
		for k, h := range []crypto.Hash{crypto.SHA256, crypto.SHA1} {
			name := []string{"rsa-pkcs", "sha1"}[k]
			t.Run(name, func(t *testing.T) {
				r := newReader(t)
				r.login(t)
				hh := h.New()
				hh.Write(msg)
				di, err := ias.DigestInfo(h, hh.Sum(nil))
				if err != nil {
					t.Fatal(err)
				}
				m := r.mark()
				sig, err := r.ic.SignPKCS1(t.Context(), di)
				if err != nil {
					t.Fatal(err)
				}
				compareShapes(t, p11[pairs[k]-1:pairs[k]+1], r.since(m))
				// PKCS#1 v1.5 signatures are deterministic: the same key
				// over the same DigestInfo gives the middleware's bytes.
				if !bytes.Equal(sig, sigs[name]) {
					t.Errorf("ciekit's signature differs from the middleware's %s signature", name)
				}
				if err := rsa.VerifyPKCS1v15(r.card.Certificate().PublicKey.(*rsa.PublicKey), h, hh.Sum(nil), sigs[name]); err != nil {
					t.Errorf("the middleware's %s signature does not verify: %v", name, err)
				}
			})
		}
	})

	t.Run("C_InitPIN with the PUK", func(t *testing.T) {
		r := newReader(t)
		r.login(t)
		m := r.mark()
		pin := mustPIN(t, cardsim.DefaultPIN)
		if err := r.ic.UnblockPIN(t.Context(), mustPUK(t, cardsim.DefaultPUK), &pin); err != nil {
			t.Fatal(err)
		}
		var mw [][]byte
		for i, c := range p11PIN {
			if isSM(c) && c[1] == 0x2C && c[2] == 0x03 {
				mw = p11PIN[i-1 : i+2] // VERIFY PUK, RESET RETRY COUNTER 03, 02
				break
			}
		}
		compareShapes(t, mw, r.since(m))
	})

	t.Run("C_SetPIN", func(t *testing.T) {
		r := newReader(t)
		r.login(t)
		m := r.mark()
		if err := r.ic.ChangePIN(t.Context(), mustPIN(t, cardsim.DefaultPIN), mustPIN(t, "12344321")); err != nil {
			t.Fatal(err)
		}
		var mw [][]byte
		for i, c := range p11PIN {
			if isSM(c) && c[1] == 0x24 {
				mw = p11PIN[i-1 : i+1] // VERIFY, CHANGE REFERENCE DATA
				break
			}
		}
		compareShapes(t, mw, r.since(m))
	})
}

// TestWrongPINMatchesMiddleware: three wrong PINs and the right one on a
// blocked PIN give ciekit the tries left that the card gave the middleware's
// C_Login (63C2, 63C1, 63C0, 6983 in middleware-pkcs11-pin).
func TestWrongPINMatchesMiddleware(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a card with a 2048-bit document signer")
	}
	var mw []uint16
	for _, x := range scardtest.LoadTranscript(t, pkcs11PINTranscript) {
		if c := x.Command; isSM(c) && c[1] == 0x20 && c[3] == ias.PINRefUser && len(mw) < 4 {
			mw = append(mw, uint16(x.Response[len(x.Response)-2])<<8|uint16(x.Response[len(x.Response)-1]))
		}
	}
	if want := []uint16{0x63C2, 0x63C1, 0x63C0, 0x6983}; !slices.Equal(mw, want) {
		t.Fatalf("middleware VERIFY statuses %04X, want %04X", mw, want)
	}
	r := newReader(t)
	if err := r.ic.OpenChannel(t.Context(), ias.ChannelOptions{ATR: r.card.ATR(), Rand: cardsim.DeterministicRand(1)}); err != nil {
		t.Fatal(err)
	}
	for k, pin := range []string{"12340000", "12340000", "12340000", cardsim.DefaultPIN} {
		err := r.ic.VerifyPIN(t.Context(), mustPIN(t, pin))
		var pe *scard.PINError
		switch {
		case k < 3:
			if !errors.As(err, &pe) || pe.SW != mw[k] || pe.Retries != int(mw[k]&0x0F) {
				t.Errorf("wrong PIN %d: %v, want tries left %d (%04X)", k+1, err, mw[k]&0x0F, mw[k])
			}
		default:
			if !errors.Is(err, scard.ErrAuthBlocked) {
				t.Errorf("right PIN on a blocked card: %v, want blocked (%04X)", err, mw[k])
			}
		}
	}
}

// signatures reads middleware-signatures.txt: the message and the
// signatures by name.
func signatures(t *testing.T) ([]byte, map[string][]byte) {
	t.Helper()
	b, err := os.ReadFile("testdata/middleware-signatures.txt")
	if err != nil {
		t.Fatal(err)
	}
	var msg []byte
	sigs := map[string][]byte{}
	for line := range strings.Lines(string(b)) {
		f := strings.Fields(line)
		if len(f) != 2 || strings.HasPrefix(f[0], "#") {
			continue
		}
		v, err := hex.DecodeString(f[1])
		if err != nil {
			t.Fatalf("middleware-signatures.txt: %s: %v", f[0], err)
		}
		if f[0] == "message" {
			msg = v
		} else {
			sigs[f[0]] = v
		}
	}
	if msg == nil || len(sigs) != 3 {
		t.Fatalf("middleware-signatures.txt: message and 3 signatures wanted, got %d", len(sigs))
	}
	return msg, sigs
}

// TestMiddlewareSHA256Mechanism pins down what the middleware's
// CKM_SHA256_RSA_PKCS signs: the SHA-256 digest behind the SHA-1
// DigestInfo prefix (CDigestSHA256::DigestInfo returns the SHA-1 one), so
// its signature does not verify as SHA-256 with PKCS#1 v1.5. ciekit's
// Signer writes the SHA-256 DigestInfo.
func TestMiddlewareSHA256Mechanism(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a card with a 2048-bit document signer")
	}
	msg, sigs := signatures(t)
	card, err := newCard()
	if err != nil {
		t.Fatal(err)
	}
	pub := card.Certificate().PublicKey.(*rsa.PublicKey)
	digest := sha256.Sum256(msg)
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sigs["sha256"]); err == nil {
		t.Fatal("the middleware's SHA256-RSA-PKCS signature verifies: the middleware was fixed, update RESULTS.md")
	}
	em := new(big.Int).Exp(new(big.Int).SetBytes(sigs["sha256"]), big.NewInt(int64(pub.E)), pub.N).FillBytes(make([]byte, pub.Size()))
	sha1Prefix, err := ias.DigestInfo(crypto.SHA1, make([]byte, 20))
	if err != nil {
		t.Fatal(err)
	}
	want := append(sha1Prefix[:15:15], digest[:]...)
	if !bytes.HasSuffix(em, append([]byte{0}, want...)) || !bytes.HasPrefix(em, []byte{0, 1, 0xFF}) {
		t.Fatalf("recovered block %X, want PKCS#1 type 1 padding over %X", em, want)
	}
}
