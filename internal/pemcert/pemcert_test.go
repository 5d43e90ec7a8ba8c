package pemcert

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoadPool(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "ca.pem")
	os.WriteFile(good, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	if _, err := LoadPool(good); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.pem")
	os.WriteFile(empty, []byte("no pem here"), 0o600)
	if _, err := LoadPool(empty); err == nil || !strings.Contains(err.Error(), "empty.pem") {
		t.Fatalf("empty file: %v", err)
	}
	bad := filepath.Join(dir, "bad.pem")
	os.WriteFile(bad, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{1, 2, 3}}), 0o600)
	if _, err := LoadPool(bad); err == nil || !strings.Contains(err.Error(), "bad.pem") {
		t.Fatalf("bad block: %v", err)
	}
}
