package vpcd

import (
	"bytes"
	"testing"
)

func FuzzReadFrame(f *testing.F) {
	f.Add([]byte{0x00, 0x01, 0x04})
	f.Add([]byte{0x00, 0x05, 0x00, 0xB0, 0x81, 0x00, 0x0C})
	f.Add([]byte{0xFF, 0xFF, 0x00})
	f.Add([]byte{0x00, 0x00})
	f.Fuzz(func(t *testing.T, in []byte) {
		r := bytes.NewReader(in)
		buf := make([]byte, 0, 4)
		for {
			p, err := readFrame(r, buf)
			if err != nil {
				if len(p) != 0 {
					t.Fatalf("payload %x with error %v", p, err)
				}
				return
			}
			if len(p) == 0 {
				t.Fatal("empty payload without error")
			}
			var out bytes.Buffer
			if err := writeFrame(&out, p); err != nil {
				t.Fatal(err)
			}
			back, err := readFrame(&out, nil)
			if err != nil || !bytes.Equal(back, p) {
				t.Fatalf("round trip: %x, %v", back, err)
			}
			buf = p
		}
	})
}
