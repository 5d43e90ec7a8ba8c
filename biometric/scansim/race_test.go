//go:build race

package scansim_test

// raceEnabled lets the slowest tests do less work under the race detector
// (image generation is pure computation, slowed about 30 times).
const raceEnabled = true
