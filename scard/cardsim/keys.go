package cardsim

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"math/big"
	mrand "math/rand/v2"
)

// DeterministicRand returns a reproducible stream of pseudo-random bytes
// (ChaCha8) keyed by seed, for tests that need the same keys, certificates,
// challenges and transcripts on every run. Never use it outside tests: the
// keys it yields are as secret as the seed.
func DeterministicRand(seed uint64) io.Reader {
	var s [32]byte
	for i := range 8 {
		s[i] = byte(seed >> (8 * i))
	}
	copy(s[8:], "ciekit cardsim deterministic")
	return mrand.NewChaCha8(s)
}

func randOrDefault(r io.Reader) io.Reader {
	if r == nil {
		return rand.Reader
	}
	return r
}

func readRand(r io.Reader, n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, fmt.Errorf("cardsim: reading randomness: %v", err)
	}
	return b, nil
}

// smallPrimes speeds up the prime search by trial division.
var smallPrimes = []uint64{3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97,
	101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167, 173, 179, 181, 191, 193, 197, 199, 211, 223, 227, 229, 233, 239, 241, 251}

// genPrime draws a prime of exactly bits bits whose two top bits are set
// (so that the product of two such primes has exactly 2*bits bits).
func genPrime(r io.Reader, bits int) (*big.Int, error) {
	n := (bits + 7) / 8
	excess := uint(n*8 - bits)
	p := new(big.Int)
	m := new(big.Int)
	for range 100000 {
		b, err := readRand(r, n)
		if err != nil {
			return nil, err
		}
		b[0] &= 0xFF >> excess
		b[0] |= 0xC0 >> excess
		if excess == 7 {
			b[1] |= 0x80
		}
		b[n-1] |= 1
		p.SetBytes(b)
		composite := false
		for _, sp := range smallPrimes {
			if m.Mod(p, m.SetUint64(sp)).Sign() == 0 {
				composite = true
				break
			}
		}
		if !composite && p.ProbablyPrime(20) {
			return p, nil
		}
	}
	return nil, errors.New("cardsim: no prime found (bad randomness source)")
}

// generateRSA makes an RSA key of the given size (e = 65537) whose value is a
// deterministic function of the bytes read from r. The standard library's
// rsa.GenerateKey ignores its reader since Go 1.26 unless a GODEBUG is set,
// which would make seeded simulators unreproducible; these are test keys.
func generateRSA(r io.Reader, bits int) (*rsa.PrivateKey, error) {
	e := big.NewInt(65537)
	one := big.NewInt(1)
	for range 100 {
		p, err := genPrime(r, bits/2)
		if err != nil {
			return nil, err
		}
		q, err := genPrime(r, bits-bits/2)
		if err != nil {
			return nil, err
		}
		if p.Cmp(q) == 0 {
			continue
		}
		n := new(big.Int).Mul(p, q)
		if n.BitLen() != bits {
			continue
		}
		phi := new(big.Int).Mul(new(big.Int).Sub(p, one), new(big.Int).Sub(q, one))
		d := new(big.Int).ModInverse(e, phi)
		if d == nil {
			continue
		}
		k := &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: n, E: 65537}, D: d, Primes: []*big.Int{p, q}}
		k.Precompute()
		if err := k.Validate(); err != nil {
			continue
		}
		return k, nil
	}
	return nil, errors.New("cardsim: RSA key generation failed")
}

func newBig(b []byte) *big.Int { return new(big.Int).SetBytes(b) }
