package biometric

import (
	"image"
	"math"
)

// AssessImage judges whether a fingerprint impression is worth extracting
// and, if not, what the user should change. It is a fast heuristic for
// scanners that give no feedback of their own, not a quality standard
// (use the extractor's finger quality or NFIQ 2 for that).
//
// It looks at 16x16 blocks at 500 ppi: blocks with a gray-level standard
// deviation above 14 hold ridges. Too few of them means a partial contact;
// in them, too much or too little ink (pixels darker than 128) means too
// much or too little pressure; pixel-to-pixel differences large for the
// block contrast mean sensor noise, and weak contrast a smeared (moved)
// finger, or a wet one when the ink is high. Quality is 0..100, mostly the
// share of ridge blocks. The thresholds were set on biometric/scansim
// captures; check them on a real scanner before relying on them. A nil or tiny image gives
// FeedbackPoor and 0.
func AssessImage(img *image.Gray) (Feedback, uint8) {
	st := imageStats(img)
	return st.verdict()
}

// assessStats are the measures AssessImage decides on.
type assessStats struct {
	ok                   bool
	cover                float64 // share of blocks with ridges
	ink, rough, contrast float64 // means over ridge blocks
}

func imageStats(img *image.Gray) assessStats {
	if img == nil {
		return assessStats{}
	}
	b := img.Bounds()
	const bs = 16
	var blocks, ridge int
	var ink, rough, contrast float64
	for by := b.Min.Y; by+bs <= b.Max.Y; by += bs {
		for bx := b.Min.X; bx+bs <= b.Max.X; bx += bs {
			blocks++
			var s, s2, diff float64
			dark := 0
			for y := by; y < by+bs; y++ {
				row := img.Pix[(y-b.Min.Y)*img.Stride+(bx-b.Min.X):][:bs]
				for x, p := range row {
					v := float64(p)
					s += v
					s2 += v * v
					if p < 128 {
						dark++
					}
					if x > 0 {
						diff += math.Abs(v - float64(row[x-1]))
					}
				}
			}
			mean := s / (bs * bs)
			sd := math.Sqrt(max(s2/(bs*bs)-mean*mean, 0))
			if sd <= 14 {
				continue
			}
			ridge++
			ink += float64(dark) / (bs * bs)
			rough += diff / (bs * (bs - 1)) / sd
			contrast += sd
		}
	}
	if blocks == 0 || ridge == 0 {
		return assessStats{}
	}
	n := float64(ridge)
	return assessStats{ok: true, cover: n / float64(blocks), ink: ink / n, rough: rough / n, contrast: contrast / n}
}

func (st assessStats) verdict() (Feedback, uint8) {
	if !st.ok {
		return FeedbackPoor, 0
	}
	ink, rough, contrast, cover := st.ink, st.rough, st.contrast, st.cover
	q := 100 * min(cover/0.7, 1)
	if rough > 0.6 {
		q *= 0.5
	}
	if contrast < 45 || ink < 0.12 || ink > 0.55 {
		q *= 0.7
	}
	quality := uint8(max(min(q, 100), 1))
	switch {
	case rough > 0.6:
		return FeedbackPoor, quality
	case ink < 0.12:
		return FeedbackTooLight, quality
	case ink > 0.55:
		return FeedbackTooDark, quality
	case cover < 0.35:
		return FeedbackPartial, quality
	case contrast < 45 && ink > 0.4:
		return FeedbackTooDark, quality
	case contrast < 45:
		return FeedbackMoved, quality
	}
	return FeedbackGood, quality
}
