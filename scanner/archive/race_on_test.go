//go:build race

package archive_test

// raceEnabled: the race detector slows byte-crunching ten times over.
const raceEnabled = true
