//go:build race

package machine

// raceEnabled: the race detector instruments every load of the probe's
// array, so its time bounds are not checked.
const raceEnabled = true
