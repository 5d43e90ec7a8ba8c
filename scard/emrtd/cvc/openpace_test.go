package cvc_test

import (
	"bufio"
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ciekit/ciekit/scard/emrtd/cvc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var tableOut = flag.String("table", "", "write TestJudgedByOpenPACE's table (Markdown) to this file (scripts/compare-cvc/run.sh)")

// printed is what OpenPACE's cvc-print wrote about one certificate.
type printed struct {
	profile, car, chr, terminal, role string
	rights                            []string // the CHAT's authorizations, as the tool names them
	effective, expiration             string
	extensions                        []string
	verified                          bool
	errors                            []string // the tool's [ERROR] lines
}

// parsePrinted reads cvc-print's output (CVC_print and cvc_chat_print of
// OpenPACE's src/cv_cert.c, then "certificate verified" or "certificate
// not verified", then run.sh's copy of the [ERROR] lines).
func parsePrinted(t *testing.T, text string) printed {
	t.Helper()
	var p printed
	var section string
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := sc.Text()
		trim := strings.TrimSpace(line)
		indent := len(line) - len(strings.TrimLeft(line, " "))
		key, val, kv := strings.Cut(trim, ": ")
		switch {
		case trim == "Certificate:":
		case strings.HasPrefix(trim, "[ERROR]"):
			p.errors = append(p.errors, trim)
		case trim == "certificate verified":
			p.verified = true
		case trim == "certificate not verified":
		case trim == "CHAT:", trim == "Certificate Extensions:":
			section = trim
		case indent == 2 && kv:
			section = ""
			switch key {
			case "Profile identifier":
				p.profile = val
			case "CAR":
				p.car = val
			case "CHR":
				p.chr = val
			case "Effective Date":
				p.effective = val
			case "Expiration Date":
				p.expiration = val
			default:
				t.Fatalf("cvc-print line %q not understood", line)
			}
		case section == "CHAT:" && indent == 4:
			p.terminal = trim
		case section == "CHAT:" && indent == 6 && strings.HasSuffix(trim, " certificate"):
			p.role = trim
		case section == "CHAT:" && indent == 6:
			p.rights = append(p.rights, trim)
		case section == "Certificate Extensions:":
			p.extensions = append(p.extensions, trim)
		default:
			t.Fatalf("cvc-print line %q not understood", line)
		}
	}
	return p
}

// toolRights names rights as OpenPACE does (is_chat_strings, bit 0 first).
func toolRights(r cvc.Rights) []string {
	var out []string
	for i, name := range []string{"Read fingerprint", "Read iris", "RFU", "RFU", "RFU", "Read eID application"} {
		if r&(1<<i) != 0 {
			out = append(out, name)
		}
	}
	return out
}

// toolRole names a role as OpenPACE does: it does not tell domestic and
// foreign DVs apart.
func toolRole(r cvc.Role) string {
	switch r {
	case cvc.RoleCVCA:
		return "CVCA certificate"
	case cvc.RoleIS:
		return "Terminal certificate"
	}
	return "DV certificate"
}

var toolSchemes = map[string]string{
	"ECDSA_SHA_256": cvc.OIDTAECDSASHA256, "ECDSA_SHA_384": cvc.OIDTAECDSASHA384, "ECDSA_SHA_512": cvc.OIDTAECDSASHA512,
	"RSA_v1_5_SHA_256": cvc.OIDTARSAv15SHA256, "RSA_PSS_SHA_256": cvc.OIDTARSAPSSSHA256,
}

// keyParam describes a public key the way run.sh names the key parameter
// (OpenSSL curve name or RSA modulus bits).
func keyParam(k crypto.PublicKey) string {
	switch k := k.(type) {
	case *ecdsa.PublicKey:
		switch n := k.Curve.Params().Name; n {
		case "P-256":
			return "prime256v1"
		case "P-384":
			return "secp384r1"
		default:
			return n
		}
	case *rsa.PublicKey:
		return strconv.Itoa(k.N.BitLen())
	}
	return fmt.Sprintf("%T", k)
}

type judged struct {
	file, chr, scheme, param string
	cert                     *cvc.Certificate
	judge                    printed
}

// loadJudged reads a directory run.sh wrote: manifest.txt, each
// certificate and cvc-print's output for it.
func loadJudged(t *testing.T, dir string) []*judged {
	t.Helper()
	man, err := os.ReadFile(filepath.Join(dir, "manifest.txt"))
	require.NoError(t, err)
	var out []*judged
	for _, l := range strings.Split(string(man), "\n") {
		f := strings.Fields(l)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		require.Len(t, f, 4, "manifest line %q", l)
		j := &judged{file: f[0], chr: f[1], scheme: f[2], param: f[3]}
		der, err := os.ReadFile(filepath.Join(dir, j.file))
		require.NoError(t, err)
		j.cert, err = cvc.Parse(der)
		require.NoError(t, err, "%s/%s: ciekit cannot parse it", dir, j.file)
		txt, err := os.ReadFile(filepath.Join(dir, strings.TrimSuffix(j.file, ".cvcert")+".txt"))
		require.NoError(t, err)
		j.judge = parsePrinted(t, string(txt))
		out = append(out, j)
	}
	return out
}

var throwawayRSA = sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 1024) })

// reencode has cvc.Create encode c's fields again (signed by a throwaway
// key of the issuer's kind: only the body is compared).
func reencode(t *testing.T, c, issuer *cvc.Certificate) []byte {
	t.Helper()
	var s crypto.Signer
	switch k := issuer.PublicKey.(type) {
	case *ecdsa.PublicKey:
		ek, err := ecdsa.GenerateKey(k.Curve, rand.Reader)
		require.NoError(t, err)
		s = ek
	default:
		rk, err := throwawayRSA()
		require.NoError(t, err)
		s = rk
	}
	var parent *cvc.Certificate
	if c.Role != cvc.RoleCVCA {
		parent = issuer
	}
	der, err := cvc.Create(nil, c, c.PublicKey, parent, s)
	require.NoError(t, err, "Create(%s)", c.CHR)
	again, err := cvc.Parse(der)
	require.NoError(t, err)
	return again.RawBody
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "**no**"
}

// TestJudgedByOpenPACE checks every certificate of testdata/openpace (made
// by OpenPACE's cvc-create) and testdata/ciekit (made by cvc.Create)
// against OpenPACE's cvc-print: every field it prints equals ours, its
// signature verdict equals ours, ciekit's own encoding of the parsed fields
// is the same body byte for byte, the key algorithm and key are those
// cvc-create or cvc.Create was asked for (manifest.txt), and the IS test
// key is the IS certificates' key. scripts/compare-cvc/run.sh makes the
// files with the tools and runs this test with -table.
func TestJudgedByOpenPACE(t *testing.T) {
	var table strings.Builder
	table.WriteString("| made by | algorithm | certificate | role, rights | every printed field equal | ciekit verifies the chain | cvc-print | cvc.Create re-encodes the body identically |\n")
	table.WriteString("|---|---|---|---|---|---|---|---|\n")
	for _, maker := range []string{"openpace", "ciekit"} {
		dirs, err := filepath.Glob(filepath.Join("testdata", maker, "*", "manifest.txt"))
		require.NoError(t, err)
		require.NotEmpty(t, dirs, "testdata/%s: run scripts/compare-cvc/run.sh", maker)
		for _, m := range dirs {
			dir := filepath.Dir(m)
			alg := filepath.Base(dir)
			t.Run(maker+"/"+alg, func(t *testing.T) {
				certs := loadJudged(t, dir)
				byCHR := map[string]*cvc.Certificate{}
				var validFrom time.Time // the latest effective date the tool found valid: its clock was past it
				for _, j := range certs {
					byCHR[j.cert.CHR] = j.cert
					if j.judge.verified && j.cert.EffectiveDate.After(validFrom) {
						validFrom = j.cert.EffectiveDate
					}
				}
				keyDER, err := os.ReadFile(filepath.Join(dir, "IS-TEST-KEY.pkcs8"))
				require.NoError(t, err)
				isKey, err := cvc.ParsePrivateKey(keyDER)
				require.NoError(t, err, "IS test key")
				// Issuers first: CVCA, then DV, then the IS certificates.
				slices.SortStableFunc(certs, func(a, b *judged) int { return int(b.cert.Role) - int(a.cert.Role) })
				for _, j := range certs {
					c, p := j.cert, j.judge
					issuer := byCHR[c.CAR]
					require.NotNil(t, issuer, "%s: issuer %s", j.file, c.CAR)
					fields := assert.Equal(t, "0", p.profile, "%s profile", j.file) &&
						assert.Equal(t, p.car, c.CAR, "%s CAR", j.file) &&
						assert.Equal(t, p.chr, c.CHR, "%s CHR", j.file) &&
						assert.Equal(t, j.chr, c.CHR, "%s CHR asked for", j.file) &&
						assert.Equal(t, "Inspection system", p.terminal, "%s terminal type", j.file) &&
						assert.Equal(t, p.role, toolRole(c.Role), "%s role", j.file) &&
						assert.Equal(t, p.rights, toolRights(c.Rights), "%s rights", j.file) &&
						assert.Equal(t, p.effective, c.EffectiveDate.Format(time.DateOnly), "%s effective date", j.file) &&
						assert.Equal(t, p.expiration, c.ExpirationDate.Format(time.DateOnly), "%s expiration date", j.file) &&
						assert.Empty(t, p.extensions, "%s extensions", j.file) &&
						assert.Equal(t, toolSchemes[j.scheme], c.KeyAlgorithm, "%s key algorithm", j.file)
					sigErr := c.CheckSignatureFrom(issuer)
					assert.NoError(t, sigErr, "%s: signature from %s", j.file, issuer.CHR)
					fields = assert.Equal(t, j.param, keyParam(c.PublicKey), "%s key", j.file) && fields
					if c.Role == cvc.RoleIS {
						fields = assert.True(t, isKey.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(c.PublicKey), "%s: key is IS-TEST-KEY's", j.file) && fields
					}
					if !p.verified {
						// The tool checks the DV and IS validity period against its
						// clock; that must be the only reason.
						assert.Equal(t, []string{"[ERROR] (ta_lib.c:216 ) Could not verify certificate's validity period"}, p.errors, "%s: cvc-print's reason", j.file)
						assert.False(t, c.ValidAt(validFrom), "%s: cvc-print refused it as expired, but it is valid on %s", j.file, validFrom.Format(time.DateOnly))
					}
					body := reencode(t, c, issuer)
					same := assert.True(t, bytes.Equal(body, c.RawBody), "%s: cvc.Create's body differs:\n%x\n%x", j.file, body, c.RawBody)
					verdict := "verified"
					if !p.verified {
						verdict = "not verified: validity period (expired)"
					}
					fmt.Fprintf(&table, "| %s | %s %s | %s | %s, %s | %s | %s | %s | %s |\n", maker, j.scheme, j.param, j.file,
						c.Role, c.Rights, yes(fields), yes(sigErr == nil), verdict, yes(same))
				}
			})
		}
	}
	if *tableOut != "" {
		require.NoError(t, os.WriteFile(*tableOut, []byte(table.String()), 0o644))
	}
}

// FuzzParsePrivateKey is seeded with the IS test keys (PKCS#8 with
// explicit EC parameters from OpenSSL, named curves, RSA) and SEC 1 and PEM
// forms of one of them.
func FuzzParsePrivateKey(f *testing.F) {
	addSeedFiles(f, "testdata/*/*/IS-TEST-KEY.pkcs8")
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	sec1, _ := x509.MarshalECPrivateKey(k)
	f.Add(sec1)
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: sec1}))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := cvc.ParsePrivateKey(b)
		if err != nil {
			checkRejected(t, s != nil, err)
			return
		}
		if _, err := cvc.Sign(nil, s, algFor(s), []byte("challenge")); err != nil {
			t.Fatalf("a parsed key cannot sign: %v", err)
		}
	})
}

func algFor(s crypto.Signer) string {
	if _, ok := s.Public().(*ecdsa.PublicKey); ok {
		return cvc.OIDTAECDSASHA256
	}
	return cvc.OIDTARSAv15SHA256
}
