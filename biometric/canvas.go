package biometric

// Canvas margins.
//
// A print pasted onto a larger canvas of one gray level (a capture
// program centring the sensor's window in a fixed frame) has a step all
// round the window where the canvas meets the print's own background. The
// step passes the segmentation's contrast test, the ring it makes encloses
// the window's background, and the enhancement turns the step into a ridge
// whose crossings with the print's ridges become false minutiae, at the
// same place in every image of the same frame, so that impostor pairs
// align them (robustness sweep, biometric/eval/RESULTS.md: 10 % false
// matches at ThresholdFMR100 on a white canvas). trimCanvas cuts such a
// margin off, so that the window's edge is the image's edge, as it was on
// the sensor.

const (
	canvasTol  = 2  // gray levels a canvas pixel may differ from the corner's
	canvasStep = 16 // least difference between the canvas and the window's edge ...
	canvasFrac = 90 // ... along this share (%) of a side
)

// trimCanvas finds the largest margin of e.in whose pixels all lie
// within canvasTol of the top-left pixel, keeps the sides along which the
// window inside differs from that level by at least canvasStep on
// canvasFrac of the side, and, if the window is still large enough to
// extract from, moves it to the start of e.in and records its offset. It
// allocates nothing.
func (e *Extractor) trimCanvas() {
	e.offX, e.offY = 0, 0
	w, h := e.inW, e.inH
	pix := e.in[:w*h]
	c := int(pix[0])
	flat := func(v uint8) bool { d := int(v) - c; return d <= canvasTol && d >= -canvasTol }
	rowFlat := func(y int) bool {
		for _, v := range pix[y*w : y*w+w] {
			if !flat(v) {
				return false
			}
		}
		return true
	}
	colFlat := func(x, y0, y1 int) bool {
		for y := y0; y < y1; y++ {
			if !flat(pix[y*w+x]) {
				return false
			}
		}
		return true
	}
	y0, y1 := 0, h
	for y0 < h && rowFlat(y0) {
		y0++
	}
	if y0 == h {
		return // uniform: left to the not-a-finger tests
	}
	for rowFlat(y1 - 1) {
		y1--
	}
	x0, x1 := 0, w
	for colFlat(x0, y0, y1) {
		x0++
	}
	for colFlat(x1-1, y0, y1) {
		x1--
	}
	if x0 == 0 && y0 == 0 && x1 == w && y1 == h {
		return
	}
	// A side is cut only where the window's first line along it differs
	// from the canvas nearly everywhere: a sensor's own saturated
	// background (FVC2002 DB1_B's left margins) ends where the print's
	// first ridge tips appear, a pasted window's edge all along.
	if y0 > 0 && !stepRow(pix[y0*w+x0:y0*w+x1], c) {
		y0 = 0
	}
	if y1 < h && !stepRow(pix[(y1-1)*w+x0:(y1-1)*w+x1], c) {
		y1 = h
	}
	if x0 > 0 && !stepCol(pix, w, x0, y0, y1, c) {
		x0 = 0
	}
	if x1 < w && !stepCol(pix, w, x1-1, y0, y1, c) {
		x1 = w
	}
	if x0 == 0 && y0 == 0 && x1 == w && y1 == h {
		return
	}
	ppi := e.resolution()
	if (x1-x0)*workPPI/ppi < MinImageSize || (y1-y0)*workPPI/ppi < MinImageSize {
		return
	}
	nw := x1 - x0
	for y := y0; y < y1; y++ {
		copy(pix[(y-y0)*nw:(y-y0)*nw+nw], pix[y*w+x0:y*w+x1])
	}
	e.inW, e.inH = nw, y1-y0
	e.offX, e.offY = x0, y0
}

// isStep reports whether v differs from the canvas level c by canvasStep
// or more.
func isStep(v uint8, c int) bool {
	d := int(v) - c
	return d >= canvasStep || d <= -canvasStep
}

// stepRow reports whether at least canvasFrac % of line differ from the
// canvas level c by canvasStep or more.
func stepRow(line []uint8, c int) bool {
	n := 0
	for _, v := range line {
		if isStep(v, c) {
			n++
		}
	}
	return 100*n >= canvasFrac*len(line)
}

// stepCol is stepRow for column x, rows y0..y1-1, of the w-wide plane pix.
func stepCol(pix []uint8, w, x, y0, y1, c int) bool {
	n := 0
	for y := y0; y < y1; y++ {
		if isStep(pix[y*w+x], c) {
			n++
		}
	}
	return 100*n >= canvasFrac*(y1-y0)
}
