// Package pemcert reads certificate pools from PEM files, for the commands
// that take trust anchors on the command line (a CSCA, a client CA).
package pemcert

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
)

// LoadPool reads every CERTIFICATE block of the PEM file at path into a
// pool. A file without any, or with a block that does not parse, is an
// error naming the file.
func LoadPool(path string) (*x509.CertPool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	n := 0
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			break
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		pool.AddCert(c)
		n++
	}
	if n == 0 {
		return nil, fmt.Errorf("%s: no PEM certificates", path)
	}
	return pool, nil
}
