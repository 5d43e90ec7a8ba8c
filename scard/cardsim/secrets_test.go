package cardsim_test

import (
	"testing"

	"github.com/ciekit/ciekit/internal/secret/secrettest"
	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/ciekit/ciekit/scard/ias"
	"github.com/ciekit/ciekit/scard/sco"
	"github.com/stretchr/testify/require"
)

// TestNoSecretPrinted prints every secret-holding type of the scard
// packages (alone, in exported and unexported struct fields, behind
// pointers, in errors, through every log/slog handler and encoding/json)
// and finds none of its secrets in the output. It lives here because this
// test package can import every scard package and the simulators.
func TestNoSecretPrinted(t *testing.T) {
	t.Parallel()
	const (
		pinDigits = "24681357"
		pukDigits = "97531864"
		canDigits = "483726"
		master    = "Zq8#pLw2!xRv"
		docNumber = "CZXYKQWAB"
	)
	pin, err := scard.NewPIN(pinDigits)
	require.NoError(t, err)
	puk, err := scard.NewPUK(pukDigits)
	require.NoError(t, err)
	mp, err := sco.NewMasterPassword(master)
	require.NoError(t, err)
	can, err := emrtd.NewCAN(canDigits)
	require.NoError(t, err)
	key := emrtd.NewMRZKey(docNumber, "850315", "340315")
	kEnc, kMac, err := key.BACKeys()
	require.NoError(t, err)
	mrzInfo, err := key.Info()
	require.NoError(t, err)

	secrettest.Check(t, pin, []byte(pinDigits))
	secrettest.Check(t, puk, []byte(pukDigits))
	secrettest.Check(t, mp, []byte(master))
	secrettest.Check(t, can, []byte(canDigits))
	secrettest.Check(t, key, []byte(docNumber), []byte(mrzInfo[:10]))
	secrettest.Check(t, emrtd.ReadOptions{CAN: can, MRZ: key}, []byte(canDigits), []byte(docNumber))
	secrettest.Check(t, can.Password(), []byte(canDigits))
	mrzPW, err := emrtd.MRZPassword(key)
	require.NoError(t, err)
	secrettest.Check(t, mrzPW, []byte(docNumber), []byte(mrzInfo[:10]))

	sm, err := scard.NewSecureMessaging(scard.CipherTDES, kEnc, kMac, nil)
	require.NoError(t, err)
	secrettest.Check(t, sm, kEnc, kMac)
	aes := []byte("\x8f\x11\xa0\x93\xc4\x5e\x07\xfb\x62\xd9\x3a\xe1\x4c\xb8\x2f\x70\x15\xca\x9e\x36\xf4\x08\x8b\x53\xdd\x21\x6a\xbf\x94\x0c\xe7\x41")
	smAES, err := scard.NewSecureMessaging(scard.CipherAES256, aes, aes, nil)
	require.NoError(t, err)
	secrettest.Check(t, smAES, aes)
	bac, err := emrtd.NewBACChip(key, nil)
	require.NoError(t, err)
	secrettest.Check(t, bac, kEnc, kMac, []byte(docNumber))

	// A terminal with a session, and the simulated card behind it.
	cfg := testConfig(21)
	cfg.PIN, cfg.PUK, cfg.CAN = pin, puk, can
	cfg.MRZ = testMRZ(docNumber, "850315", "340315")
	// The options hold the MRZ as printed on the card (personal data, not an
	// access secret); the PIN, PUK and CAN must not print.
	secrettest.Check(t, cfg, []byte(pinDigits), []byte(pukDigits), []byte(canDigits))
	sim, err := cardsim.NewCIE(cfg)
	require.NoError(t, err)
	card := scard.NewCard(sim, scard.CardOptions{})
	_, err = emrtd.Read(t.Context(), card, emrtd.ReadOptions{CAN: can, DataGroups: []int{1}})
	require.NoError(t, err)
	require.NotNil(t, card.SecureMessaging())
	secrettest.Check(t, card, []byte(pinDigits), []byte(pukDigits), []byte(canDigits))
	secrettest.Check(t, card.SecureMessaging(), []byte(canDigits))
	secrettest.Check(t, sim, []byte(pinDigits), []byte(pukDigits), []byte(canDigits), []byte(docNumber))
	secrettest.Check(t, ias.NewClient(card), []byte(pinDigits))

	scoOpts := cardsim.SCOOptions{MasterPassword: mp, PIN: pin, Operator: "RSSMRA85C55H501J",
		KeyBits: 1024, Rand: cardsim.DeterministicRand(22)}
	secrettest.Check(t, scoOpts, []byte(master), []byte(pinDigits))
	op, err := cardsim.NewSCO(scoOpts)
	require.NoError(t, err)
	secrettest.Check(t, op, []byte(master), []byte(pinDigits))
	oc := sco.NewClient(scard.NewCard(op, scard.CardOptions{}))
	require.NoError(t, oc.Select(t.Context()))
	require.NoError(t, oc.Login(t.Context(), pin))
	secrettest.Check(t, oc, []byte(master), []byte(pinDigits))
}
