package biometric

// RejectReason exposes to the robustness sweep why the last image was
// rejected as not a finger: 0 not rejected, 1 no ridge structure
// (coherence), 2 no ridge period, 3 JPEG blocking.
func (e *Extractor) RejectReason() int { return int(e.reject) }

// XSigPeriod exposes the median x-signature period of the last image, in
// input pixels, and the number of blocks that gave one.
func (e *Extractor) XSigPeriod() (float32, int) { return e.xsigP * e.scale, e.xsigN }

// PeriodMapMedian exposes the median of the period map over the
// foreground of the last image, in working pixels.
func (e *Extractor) PeriodMapMedian() float32 { return e.periodMapMedian() }
