package group

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"math/big"
	"testing"
)

// brainpoolKAT are private keys and their public points computed by OpenSSL
// 3.0 (`openssl ecparam -name C -genkey`, `openssl ec -text`), not by
// ciekit.
var brainpoolKAT = []struct{ curve, d, q string }{
	{"brainpoolP224r1", "237a7d4d1235d480b0e340ee840be81a78a13e7bf870c0de709a24b4",
		"04c0323079b313798df3c231b623ba8937b71617b06e13bb2a91bd8a0a785f8c655e011c1480124fa2c1dbbfafcc7ed09f6104c04e3a412331"},
	{"brainpoolP256r1", "605a6e2bcee99bbf129ae6f48da48e5f37fd8191b82a843614a6a69d0f82a114",
		"0462dafb75ae680a40afdf46d3d5360afb5b86180c6c27576dc64b96d554362a9970171c3b87d0a9db018df1eb0d465d49e5270356483e1cdcbb9a288a8db061ed"},
	{"brainpoolP320r1", "d1ec84c7bb393c90c2d443a82daab4d3661170c1ffb1adb5b36df4e8f8495ae26f25316af00bdc1b",
		"0412417d98f6f47ab879ad593142342c7946194fbca958d7dcd64595572dd2d0794ec5af0c08a6b313914f2c546e0b689f71c792dda2a7f49081eebeda352eebef72f1e2189e7f6839efd19ceae1cbd42d"},
	{"brainpoolP384r1", "0c508e6e7a94bc50d7cacdedc916b54cd157b4b8637fe7746efeeea44a937ff3762e45a4e6d74bc9204d0994de02abf6",
		"0476e99bdace08b764b97533895dca99454fe19e2df4e828b081e4fe559cf22ba2acbec20167e490558714f26a231f4dee133c890b0465db18c3996b1fab850e54a82d09d37e21a5802d7e6ceb026dbbd6f447876972ca437ee11594b06f972558"},
	{"brainpoolP512r1", "7557cf1a11d262fe6587f194a257de05eb0a31c2cf0971f5282eaa415c16e47dea1b21d6db6a1238954f55d54aee2cce6c029532dfd9b754ff798d6e4a9225a5",
		"041a32876b196229272b85df292cb3f481fb97579267d25660aaea0fcbeb95a9b01f74681e4dab6d5fe08f1855bf6bc7f0711a16221eca9706059efe116eb4a3092b2416184d81d313bc2be22cf521d3f576182ee95ec9bbe023edf464da19cbff82745e6950393597847af7fc01e9c0f9656881e8379e45c0d171bb51aa724134"},
}

func TestBrainpoolKAT(t *testing.T) {
	for _, tc := range brainpoolKAT {
		t.Run(tc.curve, func(t *testing.T) {
			c := Brainpool(tc.curve)
			if c == nil {
				t.Fatal("curve missing")
			}
			if c != Brainpool(tc.curve) {
				t.Error("Brainpool returns a new value on each call")
			}
			p := c.Params()
			if !c.IsOnCurve(p.Gx, p.Gy) {
				t.Fatal("generator not on the curve")
			}
			if x, y := c.ScalarMult(p.Gx, p.Gy, p.N.Bytes()); x.Sign() != 0 || y.Sign() != 0 {
				t.Fatal("n*G is not the point at infinity")
			}
			d, _ := hex.DecodeString(tc.d)
			x, y := c.ScalarBaseMult(d)
			got := c.ec.Encode(&Point{x, y})
			if hex.EncodeToString(got) != tc.q {
				t.Fatalf("d*G = %x, OpenSSL says %s", got, tc.q)
			}
			// G + G = 2G through Add, Double and ScalarMult.
			ax, ay := c.Add(p.Gx, p.Gy, p.Gx, p.Gy)
			dx, dy := c.Double(p.Gx, p.Gy)
			sx, sy := c.ScalarBaseMult([]byte{2})
			if ax.Cmp(dx) != 0 || ay.Cmp(dy) != 0 || sx.Cmp(dx) != 0 || sy.Cmp(dy) != 0 {
				t.Fatal("G+G, 2G and Double(G) differ")
			}
			// P + (-P) is the point at infinity, (0, 0).
			if ix, iy := c.Add(x, y, x, new(big.Int).Sub(p.P, y)); ix.Sign() != 0 || iy.Sign() != 0 {
				t.Fatal("P + (-P) is not (0, 0)")
			}
		})
	}
}

func TestBrainpoolECDSA(t *testing.T) {
	for _, name := range BrainpoolNames {
		t.Run(name, func(t *testing.T) {
			c := Brainpool(name)
			key, err := ecdsa.GenerateKey(c, rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			h := sha256.Sum256([]byte("terminal authentication"))
			sig, err := ecdsa.SignASN1(rand.Reader, key, h[:])
			if err != nil {
				t.Fatal(err)
			}
			if !ecdsa.VerifyASN1(&key.PublicKey, h[:], sig) {
				t.Fatal("signature does not verify")
			}
			h[0] ^= 1
			if ecdsa.VerifyASN1(&key.PublicKey, h[:], sig) {
				t.Fatal("signature verifies another digest")
			}
		})
	}
}
