package app

import (
	"github.com/modelbrowser/modelbrowser/internal/hf"
)

// NoNetworkStep is what to do when the Hub cannot be reached at all.
const NoNetworkStep = "try --demo to see the program without a network, --offline for what is cached, or set HF_ENDPOINT for a mirror"

// NextStep is a second line after err for a person: what to do next, ""
// when there is nothing to add. A Hub that cannot be reached (its name
// does not resolve, the connection is refused or the network is down)
// has ways around it.
func NextStep(err error) string {
	if hf.IsKind(err, hf.Network) {
		return NoNetworkStep
	}
	return ""
}
