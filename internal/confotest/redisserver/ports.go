package redisserver

import (
	"fmt"
	"math/rand/v2"
	"net"
	"slices"
	"strconv"
)

// Ports come from below every usual ephemeral range (Linux 32768+, macOS
// and Windows 49152+), so an outgoing connection cannot take a port
// between our check and redis-server binding it, and a cluster node's bus
// port (port+busOffset) stays below too. Another process choosing the same
// port at the same moment is caught by waitReady, and the start retries.
const (
	portLow   = 16384
	portHigh  = 32768 - busOffset
	busOffset = 10000
)

// pickPorts returns n distinct loopback ports that were free a moment ago,
// each with its bus port free too when bus is set.
func pickPorts(n int, bus bool) ([]int, error) {
	var ports []int
	for tries := 0; len(ports) < n; tries++ {
		if tries == 1000 {
			return nil, fmt.Errorf("redisserver: no free loopback port in %d-%d", portLow, portHigh-1)
		}
		p := portLow + rand.IntN(portHigh-portLow)
		if slices.Contains(ports, p) || !free(p) || bus && !free(p+busOffset) {
			continue
		}
		ports = append(ports, p)
	}
	return ports, nil
}

func free(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// FreeTCPPort returns a loopback port nothing listened on a moment ago, for
// a server of the caller's own or an address nothing answers on.
func FreeTCPPort() (int, error) {
	ports, err := pickPorts(1, false)
	if err != nil {
		return 0, err
	}
	return ports[0], nil
}
