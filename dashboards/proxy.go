package dashboards

import (
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/labstack/echo/v5"
)

// Behind a reverse proxy (--trusted-proxies), the client's address is the nearest one in X-Forwarded-For
// that is not a trusted proxy, and a request counts as over TLS when a trusted proxy says so in
// X-Forwarded-Proto. Without trusted proxies both headers are ignored: anyone could send them.

// ParseTrustedProxies reads a comma-separated list of addresses and CIDR ranges ("10.0.0.5,192.168.1.0/24").
func ParseTrustedProxies(list string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, part := range strings.Split(list, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !strings.Contains(part, "/") {
			ip := net.ParseIP(part)
			if ip == nil {
				return nil, fmt.Errorf("trusted proxies: %q is neither an address nor a CIDR range", part)
			}
			bits := 32
			if ip.To4() == nil {
				bits = 128
			}
			out = append(out, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
			continue
		}
		_, n, err := net.ParseCIDR(part)
		if err != nil {
			return nil, fmt.Errorf("trusted proxies: %q is neither an address nor a CIDR range", part)
		}
		out = append(out, n)
	}
	return out, nil
}

// ipExtractor is how the server finds a client's address: the peer's, or behind trusted proxies the
// forwarded one.
func ipExtractor(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// overTLS says whether r came over TLS: to this server, or to a trusted proxy that says so.
func (s *Server) overTLS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	peer := net.ParseIP(host)
	if err != nil || peer == nil {
		return false
	}
	for _, n := range s.TrustedProxies {
		if n.Contains(peer) {
			return strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
		}
	}
	return false
}

// cameOverTLS says whether the request came over TLS, as observe found it (Server.overTLS): what setCookie,
// which has no Server, asks.
func cameOverTLS(c *echo.Context) bool {
	v, _ := c.Get("over_tls").(bool)
	return v || c.Request().TLS != nil
}
