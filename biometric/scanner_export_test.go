package biometric

import (
	"fmt"
	"image"
)

// AssessStatsString exposes the measures behind AssessImage to the
// external tests, for failure messages.
func AssessStatsString(img *image.Gray) string { return fmt.Sprintf("%+v", imageStats(img)) }
