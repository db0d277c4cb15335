// Package peer says which client a request's remote address counts as,
// for the rate limits of the adapters that serve the public.
package peer

import (
	"net"
	"net/netip"
)

// Key returns the client a RemoteAddr counts as: its IPv4 address, or
// the /64 network of its IPv6 address, since one subscriber commonly holds
// a whole /64 and could otherwise rotate through it. An address that does
// not parse counts as itself.
func Key(remote string) string {
	host := remote
	if h, _, err := net.SplitHostPort(remote); err == nil {
		host = h
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip = ip.Unmap()
	if ip.Is6() {
		if p, err := ip.Prefix(64); err == nil {
			return p.String()
		}
	}
	return ip.String()
}
