package dashboards

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v5"
	"golang.org/x/time/rate"
)

// Rate limits per client address (c.RealIP()): sign-in attempts (POST /signin) and uploads (POST
// /api/v1/ingest/:dataset and /admin/ingest, one bucket). Each address has a bucket of burst requests that refills at perMinute a minute;
// a request over it is refused with 429 and Retry-After (JSON under /api/, the error page elsewhere), before
// its handler runs, so it neither tries a token nor loads a file.
const (
	signinPerMinute, signinBurst = 10, 10 // the 11th attempt within a minute is refused
	ingestPerMinute, ingestBurst = 30, 30
	maxLimited                   = 1 << 16 // addresses remembered at most (see take)
)

// rateLimit is one limit, with a bucket per client address.
type rateLimit struct {
	every   rate.Limit
	burst   int
	mu      sync.Mutex
	clients map[string]*rate.Limiter
}

func newRateLimit(perMinute, burst int) *rateLimit {
	return &rateLimit{every: rate.Every(time.Minute / time.Duration(perMinute)), burst: burst, clients: map[string]*rate.Limiter{}}
}

// take takes a request of addr from its bucket at now: 0, or how long until one is free (nothing taken).
func (l *rateLimit) take(addr string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim := l.clients[addr]
	if lim == nil {
		if len(l.clients) >= maxLimited {
			// forget the addresses whose bucket is full again (the same as a new one), and if that is not
			// enough (a flood from many addresses), every address
			for a, x := range l.clients {
				if x.TokensAt(now) >= float64(l.burst) {
					delete(l.clients, a)
				}
			}
			if len(l.clients) >= maxLimited {
				clear(l.clients)
			}
		}
		lim = rate.NewLimiter(l.every, l.burst)
		l.clients[addr] = lim
	}
	r := lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d
	}
	return 0
}

// limited is middleware that refuses a client over l with 429 and Retry-After (whole seconds, rounded up).
func limited(l *rateLimit) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c *echo.Context) error {
			if wait := l.take(c.RealIP(), time.Now()); wait > 0 {
				c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
				return echo.NewHTTPError(http.StatusTooManyRequests, "For mange forsøg fra din adresse; vent lidt, og prøv igen. (Too many attempts from your address; wait a little and try again.)")
			}
			return next(c)
		}
	}
}
