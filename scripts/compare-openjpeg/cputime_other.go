//go:build !unix

package main

import "time"

// cpuTime falls back to the wall clock where getrusage is missing (so do
// OpenJPEG's tools, which use QueryPerformanceCounter on Windows).
func cpuTime() time.Duration { return time.Duration(time.Now().UnixNano()) }
