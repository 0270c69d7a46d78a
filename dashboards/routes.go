package dashboards

import (
	"net/http"

	"github.com/labstack/echo/v5"
)

// routes lists every route in one place. Pages are cached (cache.go) by what they show: the editions, or
// for /data every write. Sign-in and ingest (the API's and /admin's upload) are rate-limited per client address (ratelimit.go).
func (s *Server) routes() {
	e := s.echo
	// a page: cached, and its tables downloadable (?download=ID.csv|xlsx)
	pageRoute := func(sc scope, h echo.HandlerFunc) echo.HandlerFunc { return s.downloads(s.cached(sc, h)) }
	ingestLimit := limited(newRateLimit(ingestPerMinute, ingestBurst)) // one bucket for the API and /admin's form
	e.GET("/", pageRoute(editionsScope, s.overview))
	e.GET("/gaps", pageRoute(editionsScope, s.gaps))
	e.GET("/groups/:code", pageRoute(editionsScope, s.group))
	e.GET("/offers", pageRoute(editionsScope, s.offers))
	e.GET("/municipalities/:code", pageRoute(editionsScope, s.municipality))
	e.GET("/api/v1/findings", s.cached(editionsScope, s.apiFindings))
	e.GET("/api/v1/editions", s.cached(editionsScope, s.apiEditions))
	e.GET("/api/v1/delivery", s.apiDelivery)
	e.GET("/api/v1/extracts/:file", s.apiExtract)
	e.GET("/api/v1/openapi.json", func(c *echo.Context) error { return c.Blob(http.StatusOK, "application/json", openAPI) })
	e.GET("/data", pageRoute(dataScope, s.dataPage))
	e.GET("/tilgaengelighed", s.accessibility)
	e.GET("/signin", s.signinForm)
	e.POST("/signin", s.signin, limited(newRateLimit(signinPerMinute, signinBurst)))
	e.GET("/signout", s.signoutForm)
	e.POST("/signout", s.signout)
	e.GET("/admin", s.admin)
	e.GET("/admin/audit", s.adminAudit)
	e.POST("/admin/assessment", s.adminAssessment)
	e.POST("/admin/ingest", s.adminIngest, ingestLimit)
	e.POST("/admin/batches/:id/restore", s.adminRestore)
	e.POST("/admin/publish", s.adminPublish)
	e.POST("/admin/tokens", s.adminCreateToken)
	e.POST("/admin/tokens/:name/revoke", s.adminRevokeToken)
	e.POST("/admin/comments/approve", s.adminApproveComment)
	e.GET("/report/:year", pageRoute(editionsScope, s.report))
	e.GET("/report/:year/print.css", s.cached(editionsScope, s.reportPrintCSS))
	e.GET("/data/templates/:file", s.dataTemplate)
	e.POST("/api/v1/publish/:year", s.apiPublish)
	e.GET("/api/v1/assessment/:year", s.apiAssessment)
	e.PUT("/api/v1/assessment/:year", s.apiSetAssessment)
	e.POST("/api/v1/ingest/:dataset", s.apiIngest, ingestLimit)
	e.POST("/api/v1/cli", s.apiCLI)
	e.GET("/healthz", func(c *echo.Context) error { return c.String(http.StatusOK, "ok\n") })
	e.GET("/readyz", s.ready)
	e.GET("/metrics", s.metrics)
	e.GET("/static/map/nordjylland.json", s.regionMapJSON)
	e.GET("/static/*", s.static)
	e.GET("/favicon.ico", func(c *echo.Context) error { return c.Redirect(http.StatusMovedPermanently, "/static/favicon.svg") })
}
