//go:build race

package web

// raceDetector: the race detector's instrumentation allocates, so
// allocation counts are not the program's.
const raceDetector = true
