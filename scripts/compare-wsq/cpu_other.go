//go:build !unix

package main

import "time"

// selfCPU falls back to wall time where rusage is not available.
var processStart = time.Now()

func selfCPU() time.Duration { return time.Since(processStart) }
