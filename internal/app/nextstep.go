package app

import (
	"errors"
	"net"

	"github.com/modelbrowser/modelbrowser/internal/hf"
)

// NoNetworkStep is what to do when the Hub cannot be reached at all.
const NoNetworkStep = "try --demo to see the program without a network, --offline for what is cached, or set HF_ENDPOINT for a mirror"

// NextStep is a second line after err for a person: what to do next, ""
// when there is nothing to add. A Hub that cannot be reached (its name
// does not resolve, the connection is refused, the network is
// unreachable) has ways around it; a Hub that answered badly has not.
func NextStep(err error) string {
	if !hf.IsKind(err, hf.Network) {
		return ""
	}
	var dns *net.DNSError
	var op *net.OpError
	if errors.As(err, &dns) || errors.As(err, &op) && op.Op == "dial" {
		return NoNetworkStep
	}
	return ""
}
