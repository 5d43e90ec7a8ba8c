//go:build !race

package scansim_test

const raceEnabled = false
