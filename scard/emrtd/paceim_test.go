package emrtd

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/ciekit/ciekit/internal/secret"
	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/emrtd/internal/group"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hx removes the spaces of a value copied from the worked examples.
func hx(t testing.TB, s string) []byte {
	t.Helper()
	return unhex(t, strings.ReplaceAll(s, " ", ""))
}

func bn(t testing.TB, s string) *big.Int {
	t.Helper()
	return new(big.Int).SetBytes(hx(t, s))
}

// imExample holds one worked example of ICAO Doc 9303-11 appendix H
// ("Worked example: PACE - Integrated Mapping").
type imExample struct {
	proto, kpi, s, z, tNonce, r, rp string
	param                           int
	gx, gy                          string // ECDH: G~; DH: g~ in gx
	skIC, pkIC, skIFD, pkIFD, k     string
	kEnc, kMac, tIC, tIFD           string
	tokenInIC                       string // the public key data object T_IC is computed over
}

// Appendix H.1: ECDH, brainpoolP256r1, AES-128.
var imECDH = imExample{
	proto: OIDPACEECDHIMAES128, param: ParamBrainpool256,
	kpi:    "591468CD A83D6521 9CCCB856 0233600F",
	s:      "2923BE84 E16CD6AE 529049F1 F1BBE9EB",
	z:      "143DC40C 08C8E891 FBED7DED B92B64AD",
	tNonce: "5DD4CBFC 96F5453B 130D890A 1CDBAE32",
	r: "E4447E2D FB3586BA C05DDB00 156B57FB B2179A39 49294C97 25418980 0C517BAA" +
		"8DA0FF39 7ED8C445 D3E421E4 FEB57322",
	rp:   "A2F8FF2D F50E52C6 599F386A DCB595D2 29F6A167 ADE2BE5F 2C3296AD D5B7430E",
	gx:   "8E82D315 59ED0FDE 92A4D049 8ADD3C23 BABA94FB 77691E31 E90AEA77 FB17D427",
	gy:   "4C1AE14B D0C3DBAC 0C871B7F 36081693 64437CA3 0AC243A0 89D3F266 C1E60FAD",
	skIC: "107CF586 96EF6155 053340FD 633392BA 81909DF7 B9706F22 6F32086C 7AFF974A",
	pkIC: "04 67F78E5F 7F768608 2B293E8D 087E0569 16D0F74B C01A5F89 57D0DE45 691E51E8" +
		"932B69A9 62B52A09 85AD2C0A 271EE6A1 3A8ADDDC D1A3A994 B9DED257 F4D22753",
	skIFD: "A73FB703 AC1436A1 8E0CFA5A BB3F7BEC 7A070E7A 6788486B EE230C4A 22762595",
	pkIFD: "04 89CBA23F FE96AA18 D824627C 3E934E54 A9FD0B87 A95D1471 DC1C0ABF DCD640D4" +
		"6755DE9B 7B778280 B6BEBD57 439ADFEB 0E21FD4E D6DF4257 8C13418A 59B34C37",
	k:    "4F150FDE 1D4F0E38 E95017B8 91BAE171 33A0DF45 B0D3E18B 60BA7BEA FDC2C713",
	kEnc: "0D3FEB33 251A6370 893D62AE 8DAAF51B",
	kMac: "B01E89E3 D9E8719E 586B50B4 A7506E0B",
	tIC:  "75D4D96E 8D5B0308",
	tIFD: "450F02B8 6F6A0909",
	tokenInIC: "7F494F06 0A04007F 00070202 04040286 410489CB A23FFE96 AA18D824 627C3E93" +
		"4E54A9FD 0B87A95D 1471DC1C 0ABFDCD6 40D46755 DE9B7B77 8280B6BE BD57439A" +
		"DFEB0E21 FD4ED6DF 42578C13 418A59B3 4C37",
}

// Appendix H.2: DH, RFC 5114 1024-bit group (parameter 0), AES-128.
var imDH = imExample{
	proto: OIDPACEDHIMAES128, param: ParamDH1024,
	kpi:    "591468CD A83D6521 9CCCB856 0233600F",
	s:      "FA5B7E3E 49753A0D B9178B7B 9BD898C8",
	z:      "9ABB8864 CA0FF155 1E620D1E F4E13510",
	tNonce: "B3A6DB3C 870C3E99 245E0D1C 06B747DE",
	r: "EAB98D13 E0905295 2AA72990 7C3C9461 84DEA0FE 74AD2B3A F506F0A8 3018459C" +
		"38099CD1 F7FF4EA0 A078DB1F AC136550 5E3DC855 00EF95E2 0B4EEF2E 88489233" +
		"BEE0546B 472F994B 618D1687 02406791 DEEF3CB4 810932EC 278F3533 FDB860EB" +
		"4835C36F A4F1BF3F A0B828A7 18C96BDE 88FBA38A 3E6C35AA A1095925 1EB5FC71" +
		"0FC18725 8995944C 0F926E24 9373F485",
	rp: "A0C7C50C 002061A5 1CC87D25 4EF38068 607417B6 EE1B3647 3CFB800D 2D2E5FA2" +
		"B6980F01 105D24FA B22ACD1B FA5C8A4C 093ECDFA FE6D7125 D42A843E 33860383" +
		"5CF19AFA FF75EFE2 1DC5F6AA 1F9AE46C 25087E73 68166FB0 8C1E4627 AFED7D93" +
		"570417B7 90FF7F74 7E57F432 B04E1236 819E0DFE F5B6E77C A4999925 328182D2",
	gx: "1D7D767F 11E333BC D6DBAEF4 0E799E7A 926B9697 3550656F F3C83072 6D118D61" +
		"C276CDCC 61D475CF 03A98E0C 0E79CAEB A5BE2557 8BD4551D 0B109032 36F0B0F9" +
		"76852FA7 8EEA14EA 0ACA87D1 E91F688F E0DFF897 BBE35A47 2621D343 564B262F" +
		"34223AE8 FC59B664 BFEDFA2B FE7516CA 5510A6BB B633D517 EC25D4E0 BBAA16C2",
	skIC: "020F018C 7284B047 FA7721A3 37EFB7AC B1440BB3 0C5252BD 41C97C30 C994BB78" +
		"E9F0C5B3 2744D840 17D21FFA 6878396A 6469CA28 3EF5C000 DAF7D261 A39AB886" +
		"0ED4610A B5343390 897AAB5A 7787E4FA EFA0649C 6A94FDF8 2D991E8E 3FC332F5" +
		"142729E7 040A3F7D 5A4D3CD7 5CBEE1F0 43C1CAD2 DD484FEB 4ED22B59 7D36688E",
	pkIC: "928D9A0F 9DBA450F 13FC859C 6F290D1D 36E42431 138A4378 500BEB4E 0401854C" +
		"FF111F71 CB6DC1D0 335807A1 1388CC8E AA87B079 07AAD9FB A6B169AF 6D8C26AF" +
		"8DDDC39A DC3AD2E3 FF882B84 D23E9768 E95A80E4 746FB07A 9767679F E92133B4" +
		"D379935C 771BD7FB ED6C7BB4 B1708B27 5EA75679 524CDC9C 6A91370C C662A2F3",
	skIFD: "4BD0E547 40F9A028 E6A515BF DAF96784 8C4F5F5F FF65AA09 15947FFD 1A0DF2FA" +
		"6981271B C905F355 1457B7E0 3AC3B806 6DE4AA40 6C1171FB 43DD939C 4BA16175" +
		"103BA3DE E16419AA 248118F9 0CC36A3D 6F4C3736 52E0C3CC E7F0F1D0 C5425B36" +
		"00F0F0D6 A67F004C 8BBA33F2 B4733C72 52445C1D FC4F1107 203F71D2 EFB28161",
	pkIFD: "0F0CC629 45A80292 51FB7EF3 C094E12E C68E4EF0 7F27CB9D 9CD04C5C 4250FAE0" +
		"E4F8A951 557E929A EB48E5C6 DD47F2F5 CD7C351A 9BD2CD72 2C07EDE1 66770F08" +
		"FFCB3702 62CF308D D7B07F2E 0DA9CAAA 1492344C 85290691 9538C98A 4BA4187E" +
		"76CE9D87 832386D3 19CE2E04 3C3343AE AE6EDBA1 A9894DC5 094D22F7 FE1351D5",
	k: "419410D6 C0A17A4C 07C54872 CE1CBCEB 0A2705C1 A434C8A8 9A4CFE41 F1D78124" +
		"CA7EC52B DE7615E5 345E48AB 1ABB6E7D 1D59A57F 3174084D 3CA45703 97C1F622" +
		"28BDFDB2 DA191EA2 239E2C06 0DBE3BBC 23C2FCD0 AF12E0F9 E0B99FCF 91FF1959" +
		"011D5798 B2FCBC1F 14FCC24E 441F4C8F 9B08D977 E9498560 E63E7FFA B3134EA7",
	kEnc: "01AFC10C F87BE36D 8179E873 70171F07",
	kMac: "23F0FBD0 5FD6C7B8 B88F4C83 09669061",
	tIC:  "C2F04230 187E1525",
	tIFD: "55D61977 CBF5307E",
	tokenInIC: "7F49818F 060A0400 7F000702 02040302 8481800F 0CC62945 A8029251 FB7EF3C0" +
		"94E12EC6 8E4EF07F 27CB9D9C D04C5C42 50FAE0E4 F8A95155 7E929AEB 48E5C6DD" +
		"47F2F5CD 7C351A9B D2CD722C 07EDE166 770F08FF CB370262 CF308DD7 B07F2E0D" +
		"A9CAAA14 92344C85 29069195 38C98A4B A4187E76 CE9D8783 2386D319 CE2E043C" +
		"3343AEAE 6EDBA1A9 894DC509 4D22F7FE 1351D5",
}

// TestPACEIMKAT reproduces every value of ICAO Doc 9303-11 appendix H
// (PACE Integrated Mapping, H.1 ECDH on brainpoolP256r1 and H.2 DH with
// the RFC 5114 1024-bit group, both AES-128): the nonce decryption with
// the published K_pi, the pseudo-random function R(s,t), R_p(s,t), the
// mapped generator, both key pairs, the shared secret, the session keys
// and both authentication tokens. It then replays the whole exchange
// through the terminal (runPACE) and the chip (PACEChip) sides, with the
// APDUs built from the published values.
//
// The appendix says it reuses the MRZ key of appendix G, but its K_pi
// (591468CD...) is not the one of appendix G (89DED1B2...): the example
// starts from K_pi, and so do these tests.
func TestPACEIMKAT(t *testing.T) {
	t.Parallel()
	for _, ex := range []imExample{imECDH, imDH} {
		t.Run(ex.proto, func(t *testing.T) {
			t.Parallel()
			info := PACEInfo{Protocol: oid(t, ex.proto), Version: 2, ParameterID: ex.param}
			assert.Equal(t, MappingIntegrated, info.Mapping())
			assert.True(t, PACESupported(info))
			pw, err := CANPassword("000000") // replaced by the published K_pi
			require.NoError(t, err)
			p, err := newPACE(info, pw, nil)
			require.NoError(t, err)
			p.kpi = hx(t, ex.kpi)

			// Nonce.
			enc, dec, err := p.nonceCipher()
			require.NoError(t, err)
			s := make([]byte, 16)
			dec(s, hx(t, ex.z))
			assert.Equal(t, hx(t, ex.s), s, "s = D(K_pi, z)")
			z := make([]byte, 16)
			enc(z, s)
			assert.Equal(t, hx(t, ex.z), z, "z = E(K_pi, s)")
			assert.Equal(t, 16, p.nonceLen())

			// Mapping.
			p.s = s
			field := group.Field(p.grp)
			r, err := imPRF(p.proto.cipher, s, hx(t, ex.tNonce), field)
			require.NoError(t, err)
			assert.Equal(t, hx(t, ex.r), r, "R(s,t)")
			rp := new(big.Int).Mod(new(big.Int).SetBytes(r), field)
			assert.Equal(t, bn(t, ex.rp), rp, "R_p(s,t)")
			require.NoError(t, p.mapIntegrated(hx(t, ex.tNonce)))
			if p.grp.IsDH() {
				assert.Equal(t, bn(t, ex.gx), p.mapped.Gen(), "mapped generator g~")
			} else {
				gen := p.mapped.Gen().(*group.Point)
				assert.Equal(t, bn(t, ex.gx), gen.X, "mapped generator x")
				assert.Equal(t, bn(t, ex.gy), gen.Y, "mapped generator y")
			}

			// Key agreement, from both sides.
			skIC, skIFD := bn(t, ex.skIC), bn(t, ex.skIFD)
			pkIC := p.mapped.Mul(p.mapped.Gen(), skIC)
			pkIFD := p.mapped.Mul(p.mapped.Gen(), skIFD)
			assert.Equal(t, hx(t, ex.pkIC), p.mapped.Encode(pkIC), "PK_IC")
			assert.Equal(t, hx(t, ex.pkIFD), p.mapped.Encode(pkIFD), "PK_IFD")
			p.sk, p.pk = skIFD, pkIFD
			require.NoError(t, p.agree(hx(t, ex.pkIC)))
			assert.Equal(t, hx(t, ex.k), p.mapped.Secret(p.mapped.Mul(pkIC, skIFD)), "shared secret K")
			assert.Equal(t, hx(t, ex.k), p.mapped.Secret(p.mapped.Mul(pkIFD, skIC)), "shared secret K (chip)")
			assert.Equal(t, hx(t, ex.kEnc), p.kEnc, "KS_enc")
			assert.Equal(t, hx(t, ex.kMac), p.kMac, "KS_mac")

			// Tokens: T_IC over the terminal's key, T_IFD over the chip's.
			assert.Equal(t, hx(t, ex.tokenInIC), p.pubKeyDO(pkIFD), "input data for T_IC")
			tIC, err := p.token(pkIFD)
			require.NoError(t, err)
			assert.Equal(t, hx(t, ex.tIC), tIC, "T_IC")
			tIFD, err := p.token(pkIC)
			require.NoError(t, err)
			assert.Equal(t, hx(t, ex.tIFD), tIFD, "T_IFD")

			// The whole exchange, terminal side, against a script built
			// from the published values.
			der, err := MSESetATPACE(info.Protocol, PasswordCAN, -1)
			require.NoError(t, err)
			apdu := func(cla byte, data []byte) string {
				cmd := scard.Command{CLA: cla, INS: scard.InsGeneralAuthenticate, Data: data, Ne: scard.MaxShortNe}
				if len(data) > scard.MaxShortData {
					cmd.Ne = scard.MaxExtendedNe
				}
				b, err := cmd.Bytes()
				require.NoError(t, err)
				return hexs(b)
			}
			mse, err := scard.Command{INS: scard.InsManageSecurityEnvironment, P1: 0xC1, P2: 0xA4, Data: der}.Bytes()
			require.NoError(t, err)
			sc := &scripted{t: t, steps: [][2]string{
				{hexs(mse), "9000"},
				{apdu(0x10, dynAuth(0, nil)), hexs(dynAuth(0x80, hx(t, ex.z))) + "9000"},
				{apdu(0x10, dynAuth(0x81, hx(t, ex.tNonce))), "7C0282009000"},
				{apdu(0x10, dynAuth(0x83, hx(t, ex.pkIFD))), hexs(dynAuth(0x84, hx(t, ex.pkIC))) + "9000"},
				{apdu(0x00, dynAuth(0x85, hx(t, ex.tIFD))), hexs(dynAuth(0x86, hx(t, ex.tIC))) + "9000"},
			}}
			// The DH example's private exponents are as long as p; g~ has
			// order q, so x mod q gives the same keys from a q-sized draw.
			q := p.grp.Order()
			draw := func(x *big.Int) []byte { return new(big.Int).Mod(x, q).FillBytes(make([]byte, (q.BitLen()+7)/8)) }
			term, err := newPACE(info, pw, bytes.NewReader(append(hx(t, ex.tNonce), draw(skIFD)...)))
			require.NoError(t, err)
			term.kpi = hx(t, ex.kpi)
			c := scard.NewCard(sc, scard.CardOptions{})
			_, err = term.run(t.Context(), c)
			require.NoError(t, err)
			sc.done()
			require.NotNil(t, c.SecureMessaging())
			assert.Equal(t, hx(t, ex.kMac), term.kMac)

			// The chip side answers the same commands with the same bytes.
			chipState, err := newPACE(info, pw, bytes.NewReader(append(hx(t, ex.s), draw(skIC)...)))
			require.NoError(t, err)
			chipState.kpi = hx(t, ex.kpi)
			chip := &PACEChip{p: chipState}
			for i, step := range []struct{ cmd, resp []byte }{
				{dynAuth(0, nil), dynAuth(0x80, hx(t, ex.z))},
				{dynAuth(0x81, hx(t, ex.tNonce)), hx(t, "7C028200")},
				{dynAuth(0x83, hx(t, ex.pkIFD)), dynAuth(0x84, hx(t, ex.pkIC))},
				{dynAuth(0x85, hx(t, ex.tIFD)), dynAuth(0x86, hx(t, ex.tIC))},
			} {
				got, err := chip.GeneralAuthenticate(step.cmd)
				require.NoError(t, err, "chip step %d", i+1)
				assert.Equal(t, step.resp, got, "chip step %d", i+1)
			}
			assert.True(t, chip.Done())
		})
	}
}

// TestPACECAMKAT follows ICAO Doc 9303-11 appendix I ("Worked example:
// PACE - PACE CA Mapping", ECDH on brainpoolP256r1, AES-128): the APDU
// transcript through the terminal side from the MRZ password, the
// decrypted chip authentication data, the IV E(KS_Enc, -1), and the check
// PK_Map,IC = CA_IC * PK_IC with the ChipAuthenticationPublicKeyInfo the
// appendix gives (as EF.CardSecurity holds it). The chip's static private
// key is not published; the test derives it as SK_Map,IC / CA_IC and
// replays the chip side, which must produce the published DO 8A.
func TestPACECAMKAT(t *testing.T) {
	t.Parallel()
	mrz := NewMRZKey("C11T002JM", "960812", "231031")
	pw, err := MRZPassword(mrz)
	require.NoError(t, err)
	assert.Equal(t, hx(t, "894D03F1 48C6265E 89845B21 8856EA34 D00EF8E8"), secret.Reveal(pw.key), "K")
	assert.Equal(t, hx(t, "4E6F6FBF 7BE748B9 32C7B741 61BBA9DF"), scard.DeriveKey(scard.CipherAES128, secret.Reveal(pw.key), scard.KDFPassword), "K_pi")

	const (
		s        = "658B860B C94DF6F0 44FCE6D5 C82CF8E5"
		z        = "CB60E8E0 D85B76A9 BD304747 C2AD42E2"
		skMapIFD = "5D8BB87B D74D985A 4B7D4325 B9F7B976 FE835122 77340079 8914AA22 738135CC"
		pkMapIFD = "04 7F1D410A DB7DDB3B 84BF1030 800981A9 105D7457 B4A3ADE0 02384F30 86C67EDE" +
			"1AB88910 4A27DB6D 842B0190 20FBF3CE ACB0DC62 7F7BDCAC 29969E19 D0E553C1"
		skMapIC = "9E56A6B5 9C95D06E CE5CD10F 983BB2F4 F1943528 E577F238 81D89D8C 3BBEE0AA"
		pkMapIC = "04 A234236A A9B9621E 8EFB73B5 245C0E09 D2576E52 77183C12 08BDD552 80CAE8B3" +
			"04F36571 3A356E65 A451E165 ECC9AC0A C46E3771 342C8FE5 AEDD0926 85338E23"
		h = "2C1DCC17 73346492 C6636A36 EE4B965E 292E9AAE 7EE37736 EF58B9D0 A043F348" +
			"403A8CF3 3CA7DC0D 9DF61D08 89CE2442 4FF97C1A AD48A5CA 2A554B07 1EF7638D"
		gx    = "89F0B5EA BF3BE293 C75903A3 98613192 5C9F5B51 5CA95AF4 85DC7E88 6F03245D"
		gy    = "44BEFB2D D3A0DBD7 1CB5E618 971CF474 7F12B79E 548379A4 0E45963B AAF3E829"
		skIFD = "76ECFDAA 9841C323 A3F5FC5E 88B88DB3 EFF7E35E BF57A7E6 946CB630 006C2120"
		pkIFD = "04 446C9340 84D9DAB8 63944F21 9520076C 29EE3F7A E6722B11 FF319EC1 C7728F95" +
			"5483400B FF60BF0C 59292700 09277DC2 A515E125 75010AD9 BA916CF1 BF86FEFC"
		skIC = "CD626EF3 C256E235 FE8912CA C28279E6 26008EDA 6B3A05C4 CF862A3B DAB79E78"
		pkIC = "04 02AD566F 3C6EC7F9 324509AD 50A51FA5 2030782A 4968FCFE DF737DAE A9933331" +
			"11C3B9B4 C2287789 BD137E7F 8AA882E2 A3C633CC D6ECC2C6 3C57AD40 1A09C2E1"
		shared = "67950559 D0C06B4D 4B86972D 14460837 461087F8 419FDBC3 6AAF6CEA AC462832"
		ksEnc  = "0A9DA4DB 03BDDE39 FC5202BC 44B2E89E"
		ksMac  = "4B1C0649 1ED5140C A2B537D3 44C6C0B1"
		tIFD   = "E86BD060 18A1CD3B"
		tIC    = "8596CF05 5C67C1A3"
		aIC    = "1EEA964D AAE372AC 990E3EFD E6333353 BFC89A67 04D93DA8 798CF77F 5B7A54BD" +
			"10CBA372 B42BE0B9 B5F28AA8 DE2F4F92"
		caIC  = "85DC3FA9 3D0952BF A82F5FD1 89EE75BD 82F11D1F 0B8ED4BF 5319AC9B 53C426B3"
		ivCA  = "F6A3B75A 1E933941 DD7A13E2 520779DF"
		pkInf = "30620609 04007F00 07020201 02305230 0C060704 007F0007 01020201 0D034200" +
			"04187270 9494399E 7470A643 1BE25E83 EEE24FEA 568C2ED2 8DB48E05 DB3A610D" +
			"C884D256 A40E35EF CB59BF67 53D3A489 D28C7A4D 973C2DA1 38A6E7A4 A08F68E1 6F02010D"
	)
	sc := &scripted{t: t, steps: [][2]string{
		{"0022C1A40F800A04007F00070202040602830101", "9000"},
		{"10860000027C0000", "7C128010" + nospace(z) + "9000"},
		{"10860000457C438141" + nospace(pkMapIFD) + "00", "7C438241" + nospace(pkMapIC) + "9000"},
		{"10860000457C438341" + nospace(pkIFD) + "00", "7C438441" + nospace(pkIC) + "9000"},
		{"008600000C7C0A8508" + nospace(tIFD) + "00", "7C3C8608" + nospace(tIC) + "8A30" + nospace(aIC) + "9000"},
	}}
	info := PACEInfo{Protocol: oid(t, OIDPACEECDHCAMAES128), Version: 2, ParameterID: ParamBrainpool256}
	assert.True(t, PACESupported(info))
	infoDER, err := info.Marshal()
	require.NoError(t, err)
	assert.Equal(t, hx(t, "3012060A 04007F00 07020204 06020201 0202010D"), infoDER, "PACEInfo")
	c := scard.NewCard(sc, scard.CardOptions{Rand: bytes.NewReader(hx(t, skMapIFD+skIFD))})
	p, err := runPACE(t.Context(), c, info, pw)
	require.NoError(t, err)
	sc.done()
	require.NotNil(t, c.SecureMessaging())

	// Intermediate values.
	assert.Equal(t, hx(t, s), p.s, "s")
	gen := p.mapped.Gen().(*group.Point)
	assert.Equal(t, bn(t, gx), gen.X, "mapped generator x")
	assert.Equal(t, bn(t, gy), gen.Y, "mapped generator y")
	hpt := p.grp.Mul(p.pkMapIC, p.skMap).(*group.Point)
	assert.Equal(t, hx(t, h), append(hpt.X.FillBytes(make([]byte, 32)), hpt.Y.FillBytes(make([]byte, 32))...), "shared secret H")
	assert.Equal(t, hx(t, shared), p.mapped.Secret(p.mapped.Mul(p.pkPeer, p.sk)), "shared secret")
	assert.Equal(t, hx(t, ksEnc), p.kEnc, "KS_enc")
	assert.Equal(t, hx(t, ksMac), p.kMac, "KS_mac")
	iv, err := caIV(scard.CipherAES128, p.kEnc)
	require.NoError(t, err)
	assert.Equal(t, hx(t, ivCA), iv, "IV = E(KS_enc, -1)")
	assert.Equal(t, bn(t, caIC), p.caIC, "decrypted chip authentication data")

	// Chip authentication against the published key.
	set := append([]byte{0x31, 0x64}, hx(t, pkInf)...)
	infos, err := ParseSecurityInfos("EF.CardSecurity", set)
	require.NoError(t, err)
	require.Len(t, infos.ChipAuthenticationPublicKeys, 1)
	res := p.result(info)
	assert.Equal(t, MappingChipAuthentication, res.Mapping)
	require.NoError(t, res.VerifyCAM(infos))
	assert.True(t, res.ChipAuthenticated)
	assert.Equal(t, 13, res.ChipAuthenticationKey.KeyID)
	assert.Contains(t, fmt.Sprintf("%v", res), "CAM")

	// A different static key (a clone's) fails.
	other, err := NewCAKey(ParamBrainpool256, nil)
	require.NoError(t, err)
	ent, err := other.SecurityInfos(oid(t, OIDCAECDHAES128), 13)
	require.NoError(t, err)
	otherInfos, err := ParseSecurityInfos("DG14", MarshalSecurityInfos(ent...))
	require.NoError(t, err)
	res = p.result(info)
	require.ErrorIs(t, res.VerifyCAM(otherInfos), scard.ErrAuthentication)
	assert.False(t, res.ChipAuthenticated)

	// The chip side: SK_IC = SK_Map,IC * CA_IC^-1 mod n reproduces DO 8A.
	n := p.grp.Order()
	sk := new(big.Int).ModInverse(bn(t, caIC), n)
	sk.Mul(sk, bn(t, skMapIC)).Mod(sk, n)
	curve := p.grp.(*group.EC)
	key := &CAKey{ec: curve, ecPriv: sk, ecPub: curve.Mul(curve.Gen(), sk).(*group.Point), id: ParamBrainpool256}
	assert.Equal(t, hx(t, "04 18727094 94399E74 70A6431B E25E83EE E24FEA56 8C2ED28D B48E05DB 3A610DC8"+
		"84D256A4 0E35EFCB 59BF6753 D3A489D2 8C7A4D97 3C2DA138 A6E7A4A0 8F68E16F"), curve.Encode(key.ecPub), "PK_IC from the derived SK_IC")
	ent, err = key.SecurityInfos(oid(t, OIDCAECDHAES128), 13)
	require.NoError(t, err)
	assert.Equal(t, hx(t, pkInf), ent[1], "ChipAuthenticationPublicKeyInfo as NewCAKey encodes it")
	// The example's chip ephemeral key CD626EF3... exceeds the order n;
	// its residue gives the same public key from an in-range draw.
	ephIC := new(big.Int).Mod(bn(t, skIC), n).FillBytes(make([]byte, 32))
	chip, err := NewPACEChipCAM(info, pw, key, bytes.NewReader(append(hx(t, s+skMapIC), ephIC...)))
	require.NoError(t, err)
	for i, step := range []struct{ cmd, resp string }{
		{"7C00", "7C128010" + z},
		{"7C438141" + pkMapIFD, "7C438241" + pkMapIC},
		{"7C438341" + pkIFD, "7C438441" + pkIC},
		{"7C0A8508" + tIFD, "7C3C8608" + tIC + "8A30" + aIC},
	} {
		got, err := chip.GeneralAuthenticate(hx(t, step.cmd))
		require.NoError(t, err, "chip step %d", i+1)
		assert.Equal(t, hx(t, step.resp), got, "chip step %d", i+1)
	}
}

func nospace(s string) string { return strings.ReplaceAll(s, " ", "") }

func hexs(b []byte) string { return strings.ToUpper(hex.EncodeToString(b)) }

// TestPACEIMCAMRoundTrip runs the terminal and chip sides against each
// other for Integrated and Chip Authentication Mapping on every cipher and
// a spread of groups, with the right and a wrong password, and checks the
// CAM verification against the chip's key and a stranger's.
func TestPACEIMCAMRoundTrip(t *testing.T) {
	t.Parallel()
	cases := []struct {
		proto string
		param int
	}{
		{OIDPACEECDHIM3DES, ParamP256},
		{OIDPACEECDHIMAES128, ParamBrainpool256},
		{OIDPACEECDHIMAES192, ParamP384},
		{OIDPACEECDHIMAES256, ParamP521},
		{OIDPACEECDHIMAES256, ParamP256},
		{OIDPACEDHIM3DES, ParamDH2048256},
		{OIDPACEDHIMAES128, ParamDH1024},
		{OIDPACEDHIMAES256, ParamDH2048224},
		{OIDPACEECDHCAMAES128, ParamP256},
		{OIDPACEECDHCAMAES192, ParamBrainpool256},
		{OIDPACEECDHCAMAES256, ParamP384},
		{OIDPACEECDHCAMAES256, ParamP521},
		{OIDPACEECDHCAMAES128, ParamP224},
	}
	for _, tc := range cases {
		info := PACEInfo{Protocol: oid(t, tc.proto), Version: 2, ParameterID: tc.param}
		t.Run(fmt.Sprintf("%s-%s-%d", info.Mapping(), tc.proto[len(tc.proto)-3:], tc.param), func(t *testing.T) {
			t.Parallel()
			require.True(t, PACESupported(info))
			can, err := CANPassword("123456")
			require.NoError(t, err)
			chip := &paceCard{info: info, pw: can}
			var keyInfos *SecurityInfos
			if info.Mapping() == MappingChipAuthentication {
				chip.cam, err = NewCAKey(tc.param, nil)
				require.NoError(t, err)
				ent, err := chip.cam.SecurityInfos(oid(t, OIDCAECDHAES128), tc.param)
				require.NoError(t, err)
				keyInfos, err = ParseSecurityInfos("DG14", MarshalSecurityInfos(ent...))
				require.NoError(t, err)
			}
			c := scard.NewCard(chip, scard.CardOptions{})
			res, err := RunPACE(t.Context(), c, info, can)
			require.NoError(t, err)
			assert.Equal(t, info.Mapping(), res.Mapping)
			got, err := c.Do(t.Context(), scard.Command{INS: scard.InsReadBinary, Ne: 4})
			require.NoError(t, err)
			assert.Equal(t, []byte("echo"), got)
			if keyInfos != nil {
				require.NoError(t, res.VerifyCAM(keyInfos))
				assert.True(t, res.ChipAuthenticated)
				stranger, err := NewCAKey(tc.param, nil)
				require.NoError(t, err)
				ent, err := stranger.SecurityInfos(oid(t, OIDCAECDHAES128), tc.param)
				require.NoError(t, err)
				si, err := ParseSecurityInfos("DG14", MarshalSecurityInfos(ent...))
				require.NoError(t, err)
				res2 := *res
				require.ErrorIs(t, res2.VerifyCAM(si), scard.ErrAuthentication)
			} else {
				require.ErrorIs(t, res.VerifyCAM(&SecurityInfos{}), scard.ErrNotSupported)
			}

			wrong, err := CANPassword("123457")
			require.NoError(t, err)
			c = scard.NewCard(chip, scard.CardOptions{})
			_, err = RunPACE(t.Context(), c, info, wrong)
			require.ErrorIs(t, err, scard.ErrAuthentication)
			assert.Nil(t, c.SecureMessaging())
		})
	}
}

// TestParseECCAKeyForms checks the three encodings of an ECDH chip
// authentication key: standardized parameters, a named curve, and explicit
// curve parameters, plus refusals.
func TestParseECCAKeyForms(t *testing.T) {
	t.Parallel()
	k, err := NewCAKey(ParamP256, nil)
	require.NoError(t, err)
	point := k.ec.Encode(k.ecPub)
	ent, err := k.SecurityInfos(oid(t, OIDCAECDHAES128), -1)
	require.NoError(t, err)
	si, err := ParseSecurityInfos("DG14", MarshalSecurityInfos(ent...))
	require.NoError(t, err)
	std := si.ChipAuthenticationPublicKeys[0].SubjectPublicKeyInfo
	curve, pt, err := parseECCAKey(std)
	require.NoError(t, err)
	assert.Equal(t, "NIST P-256", curve.Name())
	assert.Equal(t, point, curve.Encode(pt))

	ecdsaKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	named, err := x509.MarshalPKIXPublicKey(&ecdsaKey.PublicKey)
	require.NoError(t, err)
	curve, pt, err = parseECCAKey(named)
	require.NoError(t, err)
	assert.Equal(t, "NIST P-256", curve.Name())
	assert.Equal(t, 0, pt.X.Cmp(ecdsaKey.X))

	// Explicit parameters of P-256 (as many passports publish keys).
	p := elliptic.P256().Params()
	g := append(append([]byte{4}, p.Gx.FillBytes(make([]byte, 32))...), p.Gy.FillBytes(make([]byte, 32))...)
	explicit := marshalExplicitSPKI(t, p.P, new(big.Int).Sub(p.P, big.NewInt(3)), p.B, g, p.N, point)
	curve, pt, err = parseECCAKey(explicit)
	require.NoError(t, err)
	assert.Equal(t, "NIST P-256", curve.Name())
	assert.Equal(t, point, curve.Encode(pt))

	// An unknown curve, a point off the curve, garbage.
	other := marshalExplicitSPKI(t, p.P, big.NewInt(5), p.B, g, p.N, point)
	_, _, err = parseECCAKey(other)
	require.ErrorIs(t, err, scard.ErrNotSupported)
	bad := append([]byte(nil), point...)
	bad[len(bad)-1] ^= 1
	_, _, err = parseECCAKey(marshalExplicitSPKI(t, p.P, new(big.Int).Sub(p.P, big.NewInt(3)), p.B, g, p.N, bad))
	var de *scard.DataError
	require.ErrorAs(t, err, &de)
	_, _, err = parseECCAKey([]byte{0x30, 0x03, 0x02, 0x01, 0x01})
	require.ErrorAs(t, err, &de)
}

func marshalExplicitSPKI(t *testing.T, p, a, b *big.Int, g []byte, n *big.Int, point []byte) []byte {
	t.Helper()
	type fieldID struct {
		OID   asn1.ObjectIdentifier
		Prime *big.Int
	}
	type curve struct{ A, B []byte }
	type ecParams struct {
		Version  int
		Field    fieldID
		Curve    curve
		Base     []byte
		Order    *big.Int
		Cofactor int
	}
	params, err := asn1.Marshal(ecParams{1, fieldID{asn1.ObjectIdentifier{1, 2, 840, 10045, 1, 1}, p},
		curve{a.FillBytes(make([]byte, 32)), b.FillBytes(make([]byte, 32))}, g, n, 1})
	require.NoError(t, err)
	der, err := asn1.Marshal(struct {
		Alg struct {
			OID    asn1.ObjectIdentifier
			Params asn1.RawValue
		}
		Key asn1.BitString
	}{Alg: struct {
		OID    asn1.ObjectIdentifier
		Params asn1.RawValue
	}{asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}, asn1.RawValue{FullBytes: params}},
		Key: asn1.BitString{Bytes: point, BitLength: 8 * len(point)}})
	require.NoError(t, err)
	return der
}

// TestCAMDataErrors checks the refusals of decryptCAData.
func TestCAMDataErrors(t *testing.T) {
	t.Parallel()
	key := hx(t, "0A9DA4DB 03BDDE39 FC5202BC 44B2E89E")
	n := group.Standard(ParamBrainpool256).Order()
	good, err := encryptCAData(scard.CipherAES128, key, big.NewInt(7), big.NewInt(35), n)
	require.NoError(t, err)
	ca, err := decryptCAData(scard.CipherAES128, key, good, n)
	require.NoError(t, err)
	assert.Equal(t, int64(5), ca.Int64(), "7^-1 * 35 = 5")
	for name, a := range map[string][]byte{
		"empty":      nil,
		"not blocks": good[:40],
		"too long":   append(append([]byte(nil), good...), good[:16]...),
		"one block":  good[:16],
		"wrong key":  mustEncrypt(t, hx(t, "00112233445566778899AABBCCDDEEFF"), good),
		"tampered":   flip(good, 47),
	} {
		_, err := decryptCAData(scard.CipherAES128, key, a, n)
		require.ErrorIs(t, err, scard.ErrAuthentication, name)
	}
	// CA_IC = 0 or >= n is refused.
	zero, err := encryptCAData(scard.CipherAES128, key, big.NewInt(7), big.NewInt(0), n)
	require.NoError(t, err)
	_, err = decryptCAData(scard.CipherAES128, key, zero, n)
	require.ErrorIs(t, err, scard.ErrAuthentication)
}

func mustEncrypt(t *testing.T, key, b []byte) []byte {
	t.Helper()
	out, err := scard.CipherAES128.Encrypt(key, nil, b)
	require.NoError(t, err)
	return out
}

func flip(b []byte, i int) []byte {
	out := append([]byte(nil), b...)
	out[i] ^= 0x01
	return out
}

// TestReadCAMCardSecurity reads a PACE-CAM document whose DG14 has no
// ECDH key: Read takes it from EF.CardSecurity in the master file, then
// goes back to the eMRTD application; a chip without the private key
// (a clone) fails the read.
func TestReadCAMCardSecurity(t *testing.T) {
	t.Parallel()
	pki := pkiOnce()
	for _, clone := range []bool{false, true} {
		card, _ := newFSCard(t, true)
		card.paceInfo = PACEInfo{Protocol: oid(t, OIDPACEECDHCAMAES128), Version: 2, ParameterID: ParamP256}
		pi, err := card.paceInfo.Marshal()
		require.NoError(t, err)
		card.mf[FIDCardAccess] = MarshalSecurityInfos(pi)
		key, err := NewCAKey(ParamP256, nil)
		require.NoError(t, err)
		card.cam = key
		published := key
		if clone {
			published, err = NewCAKey(ParamP256, nil)
			require.NoError(t, err)
		}
		ent, err := published.SecurityInfos(oid(t, OIDCAECDHAES128), 12)
		require.NoError(t, err)
		card.mf[FIDCardSecurity], err = CreateCardSecurity(append(ent, pi), pki.dsCert, pki.dsKey, SODOptions{})
		require.NoError(t, err)

		e, err := Read(t.Context(), scard.NewCard(card, scard.CardOptions{}), ReadOptions{CAN: mustCAN("123456"), ChipAuthentication: true})
		if clone {
			require.ErrorIs(t, err, scard.ErrAuthentication)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, ChipAuthPACECAMCardSecurity, e.ChipAuthenticatedBy)
		assert.Equal(t, card.mf[FIDCardSecurity], e.CardSecurity)
		assert.Equal(t, []int{1, 2, 11, 12}, e.DataGroupNumbers())
		cs, err := ParseCardSecurity(e.CardSecurity)
		require.NoError(t, err)
		cert, err := cs.VerifySignature()
		require.NoError(t, err)
		assert.True(t, cert.Equal(pki.dsCert))
		require.Len(t, cs.SecurityInfos.PACE, 1)
		chain, err := cs.Verify(PAOptions{CSCA: pool(pki.csca)})
		require.NoError(t, err)
		assert.True(t, chain[0].Equal(pki.dsCert))
		_, err = e.Verify(PAOptions{CSCA: pool(pki.csca)})
		require.NoError(t, err, "SOD, data groups and EF.CardSecurity")
		_, err = cs.Verify(PAOptions{CSCA: x509.NewCertPool()})
		var ce *ChainError
		require.ErrorAs(t, err, &ce)
		// A tampered EF.CardSecurity fails Document.Verify.
		e.CardSecurity = flip(e.CardSecurity, len(e.CardSecurity)-1)
		_, err = e.Verify(PAOptions{CSCA: pool(pki.csca)})
		require.ErrorContains(t, err, "EF.CardSecurity")
	}
}
