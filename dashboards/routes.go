package dashboards

import (
	"net/http"

	"github.com/labstack/echo/v5"
)

// routes lists every route in one place.
func (s *Server) routes() {
	e := s.echo
	e.GET("/", s.overview)
	e.GET("/gaps", s.gaps)
	e.GET("/groups/:code", s.group)
	e.GET("/offers", s.offers)
	e.GET("/municipalities/:code", s.municipality)
	e.GET("/api/v1/findings", s.apiFindings)
	e.GET("/api/v1/editions", s.apiEditions)
	e.GET("/api/v1/delivery", s.apiDelivery)
	e.GET("/data", s.dataPage)
	e.GET("/data/templates/:file", s.dataTemplate)
	e.POST("/api/v1/publish/:year", s.apiPublish)
	e.POST("/api/v1/ingest/:dataset", s.apiIngest)
	e.POST("/api/v1/cli", s.apiCLI)
	e.GET("/healthz", func(c *echo.Context) error { return c.String(http.StatusOK, "ok\n") })
	e.GET("/readyz", s.ready)
	e.GET("/static/map/nordjylland.json", s.regionMapJSON)
	e.GET("/static/*", s.static)
	e.GET("/favicon.ico", func(c *echo.Context) error { return c.Redirect(http.StatusMovedPermanently, "/static/favicon.svg") })
}
