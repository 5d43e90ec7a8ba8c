package biometric

import (
	"math"
	"testing"
)

// TestKernelSymmetry checks what the unrolled filter loops rely on: the
// bank is symmetric about its centre tap.
func TestKernelSymmetry(t *testing.T) {
	t.Parallel()
	var k kernels
	k.build(437)
	for o := range nOri {
		for d := 1; d <= alongR; d++ {
			if k.along[o][alongR+d] != -k.along[o][alongR-d] {
				t.Fatalf("along[%d] offsets not symmetric at %d", o, d)
			}
		}
		for d := 1; d <= acrossR; d++ {
			if k.across[o][acrossR+d] != -k.across[o][acrossR-d] {
				t.Fatalf("across[%d] offsets not symmetric at %d", o, d)
			}
			for p := range nPer {
				a, b := k.acrossW[o][p][acrossR+d], k.acrossW[o][p][acrossR-d]
				if math.Abs(float64(a-b)) > 1e-6 {
					t.Fatalf("acrossW[%d][%d] not symmetric at %d: %v, %v", o, p, d, a, b)
				}
			}
		}
	}
	for d := 1; d <= alongR; d++ {
		if k.alongW[alongR+d] != k.alongW[alongR-d] {
			t.Fatalf("alongW not symmetric at %d", d)
		}
	}
}
