package dashboards

import (
	"net/http"

	"github.com/labstack/echo/v5"
)

// routes lists every route in one place. Pages are cached (cache.go) by what they show: the editions, or
// for /data every write.
func (s *Server) routes() {
	e := s.echo
	e.GET("/", s.cached(editionsScope, s.overview))
	e.GET("/gaps", s.cached(editionsScope, s.gaps))
	e.GET("/groups/:code", s.cached(editionsScope, s.group))
	e.GET("/offers", s.cached(editionsScope, s.offers))
	e.GET("/municipalities/:code", s.cached(editionsScope, s.municipality))
	e.GET("/api/v1/findings", s.cached(editionsScope, s.apiFindings))
	e.GET("/api/v1/editions", s.cached(editionsScope, s.apiEditions))
	e.GET("/api/v1/delivery", s.apiDelivery)
	e.GET("/data", s.cached(dataScope, s.dataPage))
	e.GET("/report/:year", s.cached(editionsScope, s.report))
	e.GET("/report/:year/print.css", s.cached(editionsScope, s.reportPrintCSS))
	e.GET("/data/templates/:file", s.dataTemplate)
	e.POST("/api/v1/publish/:year", s.apiPublish)
	e.GET("/api/v1/assessment/:year", s.apiAssessment)
	e.PUT("/api/v1/assessment/:year", s.apiSetAssessment)
	e.POST("/api/v1/ingest/:dataset", s.apiIngest)
	e.POST("/api/v1/cli", s.apiCLI)
	e.GET("/healthz", func(c *echo.Context) error { return c.String(http.StatusOK, "ok\n") })
	e.GET("/readyz", s.ready)
	e.GET("/metrics", s.metrics)
	e.GET("/static/map/nordjylland.json", s.regionMapJSON)
	e.GET("/static/*", s.static)
	e.GET("/favicon.ico", func(c *echo.Context) error { return c.Redirect(http.StatusMovedPermanently, "/static/favicon.svg") })
}
