//go:build unix

package main

import (
	"syscall"
	"time"
)

// cpuTime returns the process's user plus system CPU time, the clock
// OpenJPEG's tools use on Unix (getrusage) for their "decode time" and
// "encode time", so both sides of the table are measured alike.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return time.Duration(time.Now().UnixNano())
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
