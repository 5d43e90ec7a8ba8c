package amfm

import (
	"bytes"
	"testing"
)

func TestGenerate(t *testing.T) {
	img, truth := Generate(7, 300, 360, 10, 9, 10)
	if b := img.Bounds(); b.Dx() != 300 || b.Dy() != 360 {
		t.Fatalf("Generate: image %v, want 300x360", b)
	}
	if len(truth) != 10 {
		t.Fatalf("Generate: %d minutiae, want the 10 planted", len(truth))
	}
	for _, m := range truth {
		if m.X < 50 || m.X > 250 || m.Y < 50 || m.Y > 310 {
			t.Errorf("minutia %+v outside the planting area", m)
		}
	}
	again, truth2 := Generate(7, 300, 360, 10, 9, 10)
	if !bytes.Equal(img.Pix, again.Pix) || len(truth2) != len(truth) || truth2[0] != truth[0] {
		t.Error("Generate is not deterministic for a seed")
	}
}
