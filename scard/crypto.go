package scard

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
)

// Cipher names the block cipher of a secure-messaging session or PACE
// protocol (ICAO Doc 9303-11 clause 9.8).
type Cipher int

// Ciphers.
const (
	// CipherTDES is two-key 3DES in CBC mode with the ISO/IEC 9797-1 MAC
	// algorithm 3 ("retail MAC"), 8-byte blocks and SSC (BAC, PACE 3DES).
	CipherTDES Cipher = iota + 1
	// CipherAES128 is AES-128 CBC with AES-CMAC truncated to 8 bytes.
	CipherAES128
	// CipherAES192 is AES-192 CBC with CMAC.
	CipherAES192
	// CipherAES256 is AES-256 CBC with CMAC.
	CipherAES256
)

// String returns the name.
func (c Cipher) String() string {
	switch c {
	case CipherTDES:
		return "3DES"
	case CipherAES128:
		return "AES-128"
	case CipherAES192:
		return "AES-192"
	case CipherAES256:
		return "AES-256"
	}
	return fmt.Sprintf("Cipher(%d)", int(c))
}

// KeyLen returns the key length in bytes (16 for two-key 3DES).
func (c Cipher) KeyLen() int {
	switch c {
	case CipherTDES, CipherAES128:
		return 16
	case CipherAES192:
		return 24
	case CipherAES256:
		return 32
	}
	return 0
}

// BlockSize returns the cipher block size in bytes, which is also the SSC
// length: 8 for 3DES, 16 for AES.
func (c Cipher) BlockSize() int {
	if c == CipherTDES {
		return 8
	}
	return 16
}

// Key derivation counters of ICAO Doc 9303-11 clause 9.7.1.
const (
	KDFEnc      uint32 = 1 // encryption key
	KDFMAC      uint32 = 2 // MAC key
	KDFPassword uint32 = 3 // PACE password key K_pi
)

// DeriveKey is the key derivation function of ICAO Doc 9303-11 clause
// 9.7.1: the first KeyLen bytes of H(secret || counter), with SHA-1 for 3DES
// and AES-128 and SHA-256 for AES-192/256. For 3DES the result is the
// 16-byte Ka||Kb with DES parity bits adjusted, as the worked examples show. It is
// used by both terminal and card emulators. It panics if c is not one of
// the defined ciphers (a programmer error).
func DeriveKey(c Cipher, secret []byte, counter uint32) []byte {
	var ctr [4]byte
	binary.BigEndian.PutUint32(ctr[:], counter)
	switch c {
	case CipherTDES, CipherAES128:
		h := sha1.New()
		h.Write(secret)
		h.Write(ctr[:])
		k := h.Sum(nil)[:16]
		if c == CipherTDES {
			setParity(k)
		}
		return k
	case CipherAES192, CipherAES256:
		h := sha256.New()
		h.Write(secret)
		h.Write(ctr[:])
		return h.Sum(nil)[:c.KeyLen()]
	}
	panic("scard: DeriveKey: unknown cipher")
}

// newBlock returns the block cipher for key.
func newBlock(c Cipher, key []byte) (cipher.Block, error) {
	if len(key) != c.KeyLen() {
		return nil, fmt.Errorf("scard: %v key of %d bytes, want %d", c, len(key), c.KeyLen())
	}
	if c == CipherTDES {
		k := make([]byte, 24)
		copy(k, key)
		copy(k[16:], key[:8])
		return des.NewTripleDESCipher(k)
	}
	return aes.NewCipher(key)
}

// pad applies ISO/IEC 9797-1 padding method 2 (80 00..) to a multiple of bs.
func pad(b []byte, bs int) []byte {
	out := make([]byte, len(b), len(b)+bs)
	copy(out, b)
	out = append(out, 0x80)
	for len(out)%bs != 0 {
		out = append(out, 0)
	}
	return out
}

// unpad removes padding method 2.
func unpad(b []byte) ([]byte, bool) {
	for i := len(b) - 1; i >= 0; i-- {
		switch b[i] {
		case 0x00:
			continue
		case 0x80:
			return b[:i], true
		}
		return nil, false
	}
	return nil, false
}

func cbcEncrypt(blk cipher.Block, iv, data []byte) []byte {
	out := make([]byte, len(data))
	if iv == nil {
		iv = make([]byte, blk.BlockSize())
	}
	cipher.NewCBCEncrypter(blk, iv).CryptBlocks(out, data)
	return out
}

func cbcDecrypt(blk cipher.Block, iv, data []byte) ([]byte, bool) {
	if len(data)%blk.BlockSize() != 0 {
		return nil, false
	}
	out := make([]byte, len(data))
	if iv == nil {
		iv = make([]byte, blk.BlockSize())
	}
	cipher.NewCBCDecrypter(blk, iv).CryptBlocks(out, data)
	return out, true
}

// retailMAC computes the ISO/IEC 9797-1 MAC algorithm 3 with DES and
// padding method 2 over data, with the 16-byte key Ka||Kb.
func retailMAC(key, data []byte) []byte {
	ka, _ := des.NewCipher(key[:8])
	kb, _ := des.NewCipher(key[8:16])
	p := pad(data, 8)
	h := make([]byte, 8)
	for i := 0; i < len(p); i += 8 {
		for j := range 8 {
			h[j] ^= p[i+j]
		}
		ka.Encrypt(h, h)
	}
	kb.Decrypt(h, h)
	ka.Encrypt(h, h)
	return h
}

// cmac computes AES-CMAC (NIST SP 800-38B, RFC 4493) of data.
func cmac(blk cipher.Block, data []byte) []byte {
	const bs = 16
	l := make([]byte, bs)
	blk.Encrypt(l, l)
	k1 := dbl(l)
	k2 := dbl(k1)
	n := (len(data) + bs - 1) / bs
	complete := n > 0 && len(data)%bs == 0
	if n == 0 {
		n = 1
	}
	last := make([]byte, bs)
	if complete {
		copy(last, data[(n-1)*bs:])
		for i := range last {
			last[i] ^= k1[i]
		}
	} else {
		rest := data[(n-1)*bs:]
		copy(last, rest)
		last[len(rest)] = 0x80
		for i := range last {
			last[i] ^= k2[i]
		}
	}
	x := make([]byte, bs)
	for i := 0; i < n-1; i++ {
		for j := range bs {
			x[j] ^= data[i*bs+j]
		}
		blk.Encrypt(x, x)
	}
	for j := range bs {
		x[j] ^= last[j]
	}
	blk.Encrypt(x, x)
	return x
}

func dbl(b []byte) []byte {
	out := make([]byte, len(b))
	var carry byte
	for i := len(b) - 1; i >= 0; i-- {
		out[i] = b[i]<<1 | carry
		carry = b[i] >> 7
	}
	if carry != 0 {
		out[len(out)-1] ^= 0x87
	}
	return out
}

// MAC computes the 8-byte message authentication code of ICAO Doc 9303-11
// clause 9.8 (BAC mutual authentication, PACE authentication tokens): the
// ISO/IEC 9797-1 retail MAC with padding method 2 for 3DES, AES-CMAC without
// padding, truncated to 8 bytes, for AES. Secure messaging pads and then MACs
// with the same primitives.
func (c Cipher) MAC(key, data []byte) ([]byte, error) {
	if c == CipherTDES {
		if len(key) != 16 {
			return nil, fmt.Errorf("scard: 3DES MAC key of %d bytes, want 16", len(key))
		}
		return retailMAC(key, data), nil
	}
	blk, err := newBlock(c, key)
	if err != nil {
		return nil, err
	}
	return cmac(blk, data)[:8], nil
}

// Encrypt encrypts data, a multiple of the block size, in CBC mode with key
// and iv (nil means a zero IV), without padding: the BAC cryptograms and the
// PACE nonce use it this way.
func (c Cipher) Encrypt(key, iv, data []byte) ([]byte, error) {
	blk, err := newBlock(c, key)
	if err != nil {
		return nil, err
	}
	if len(data)%blk.BlockSize() != 0 {
		return nil, fmt.Errorf("scard: %v: %d bytes are not a multiple of the block size", c, len(data))
	}
	return cbcEncrypt(blk, iv, data), nil
}

// Decrypt is the inverse of [Cipher.Encrypt].
func (c Cipher) Decrypt(key, iv, data []byte) ([]byte, error) {
	blk, err := newBlock(c, key)
	if err != nil {
		return nil, err
	}
	out, ok := cbcDecrypt(blk, iv, data)
	if !ok {
		return nil, fmt.Errorf("scard: %v: %d bytes are not a multiple of the block size", c, len(data))
	}
	return out, nil
}

// setParity sets odd parity in each byte of a DES key.
func setParity(k []byte) {
	for i, b := range k {
		b &^= 1
		n := 0
		for x := b; x != 0; x >>= 1 {
			n += int(x & 1)
		}
		if n%2 == 0 {
			b |= 1
		}
		k[i] = b
	}
}
