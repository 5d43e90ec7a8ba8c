//go:build !unix

package wsq

import "time"

func processCPU() (time.Duration, bool) { return 0, false }
