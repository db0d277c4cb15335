package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/uptrace/bunrouter"
	"golang.org/x/time/rate"

	"github.com/fourplusn/fourplusn/internal/peer"
)

// maxClients bounds how many client addresses a limiter remembers, so that
// a flood from many addresses cannot exhaust memory. Past it, idle clients
// are forgotten; if none is idle, the newcomers share one limiter.
const maxClients = 10000

// idleAfter is how long a client must be quiet to be forgotten.
const idleAfter = 10 * time.Minute

// limiter keeps a token bucket per client address: in shared Limits when
// there are any, else in memory.
type limiter struct {
	name   string // the limit's part of the key in shared Limits
	every  rate.Limit
	burst  int
	shared Limits
	log    *slog.Logger

	mu       sync.Mutex
	clients  map[string]*client
	overflow *rate.Limiter
}

type client struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiter(name string, every rate.Limit, burst int, shared Limits, log *slog.Logger) *limiter {
	return &limiter{name: name, every: every, burst: burst, shared: shared, log: log, clients: map[string]*client{}, overflow: rate.NewLimiter(every, burst)}
}

// allow reports whether the client at addr may make a request now. With
// shared Limits that fail, the request is decided in memory instead:
// a database that does not answer should not refuse every client, nor
// lift every limit.
func (l *limiter) allow(ctx context.Context, addr string, now time.Time) bool {
	if l.shared != nil {
		ok, err := l.shared.Allow(ctx, l.name+" "+addr, interval(l.every), l.burst, now)
		if err == nil {
			return ok
		}
		l.log.WarnContext(ctx, "httpapi: the shared rate limits failed; limiting in memory", "err", err)
	}
	return l.allowHere(addr, now)
}

// interval is the time between two requests at rate every.
func interval(every rate.Limit) time.Duration {
	if every <= 0 || every == rate.Inf {
		return 0
	}
	return time.Duration(float64(time.Second) / float64(every))
}

// allowHere is allow in this process's memory.
func (l *limiter) allowHere(addr string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	c, ok := l.clients[addr]
	if !ok {
		if len(l.clients) >= maxClients {
			for a, c := range l.clients {
				if now.Sub(c.seen) > idleAfter {
					delete(l.clients, a)
				}
			}
		}
		if len(l.clients) >= maxClients {
			return l.overflow.AllowN(now, 1)
		}
		c = &client{lim: rate.NewLimiter(l.every, l.burst)}
		l.clients[addr] = c
	}
	c.seen = now
	return c.lim.AllowN(now, 1)
}

// middleware refuses with 429 a client that has used up its allowance. The
// client is the request's remote IP address: behind a reverse proxy, the
// integrator must set RemoteAddr from the proxy's forwarding header, which
// this package does not trust by itself.
func (l *limiter) middleware(next bunrouter.HandlerFunc) bunrouter.HandlerFunc {
	return func(w http.ResponseWriter, req bunrouter.Request) error {
		if !l.allow(req.Context(), peer.Key(req.RemoteAddr), time.Now()) {
			return errTooManyRequests
		}
		return next(w, req)
	}
}
