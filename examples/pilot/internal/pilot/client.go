package pilot

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies are the reverse proxies the pilot believes: a request whose
// peer is one of them says in X-Forwarded-For who the client is, and in
// X-Forwarded-Proto whether it came over HTTPS. From any other peer those
// headers are ignored, since anyone can write them.
type Proxies []netip.Prefix

// ParseProxies reads a comma-separated list of addresses and CIDR blocks,
// such as "127.0.0.1,10.0.0.0/8,::1".
func ParseProxies(s string) (Proxies, error) {
	var out Proxies
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !strings.Contains(part, "/") {
			a, err := netip.ParseAddr(part)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q: %w", part, err)
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: %w", part, err)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// trusts reports whether a is one of the proxies.
func (ps Proxies) trusts(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// client is what the pilot knows of where a request came from.
type client struct {
	https bool // the client's own connection was HTTPS
}

type clientKey struct{}

// client finds each request's client: the peer, or, behind a trusted
// proxy, the right-most address of X-Forwarded-For that is not itself a
// trusted proxy, with X-Forwarded-Proto saying whether the client used
// HTTPS. It sets r.RemoteAddr to the client's address, so that rate
// limits, lockouts and logs — the API's included — count clients, not
// the proxy.
func (s *Server) client(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := client{https: r.TLS != nil}
		if peer, ok := peerAddr(r.RemoteAddr); ok && s.proxies.trusts(peer) {
			if addr, ok := forwardedFor(r.Header.Values("X-Forwarded-For"), s.proxies); ok {
				r.RemoteAddr = netip.AddrPortFrom(addr, 0).String()
			}
			if proto := lastValue(r.Header.Values("X-Forwarded-Proto")); proto != "" {
				c.https = strings.EqualFold(proto, "https")
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), clientKey{}, c)))
	})
}

// isHTTPS reports whether r's client connected over HTTPS, directly or to
// a trusted proxy: then cookies are Secure and HSTS is sent.
func isHTTPS(r *http.Request) bool {
	if c, ok := r.Context().Value(clientKey{}).(client); ok {
		return c.https
	}
	return r.TLS != nil
}

// peerAddr reads the address of a RemoteAddr, "host:port".
func peerAddr(remote string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(remote); err == nil {
		return ap.Addr().Unmap(), true
	}
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	a, err := netip.ParseAddr(host)
	return a.Unmap(), err == nil
}

// forwardedFor returns the client of X-Forwarded-For's values: walking from
// the right, past the trusted proxies each hop added, the first address
// that is not one. Addresses a client wrote itself, to the left of it, are
// not believed.
func forwardedFor(values []string, proxies Proxies) (netip.Addr, bool) {
	var hops []string
	for _, v := range values {
		hops = append(hops, strings.Split(v, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return netip.Addr{}, false
		}
		if a = a.Unmap(); !proxies.trusts(a) || i == 0 {
			return a, true
		}
	}
	return netip.Addr{}, false
}

// lastValue is the right-most of a header's comma-separated values: the
// one the nearest proxy wrote.
func lastValue(values []string) string {
	if len(values) == 0 {
		return ""
	}
	parts := strings.Split(values[len(values)-1], ",")
	return strings.TrimSpace(parts[len(parts)-1])
}

// clientAddress is the address a request comes from, without its port,
// for limits and logs.
func clientAddress(r *http.Request) string {
	if a, ok := peerAddr(r.RemoteAddr); ok {
		return a.String()
	}
	return r.RemoteAddr
}
