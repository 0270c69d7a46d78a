package dashboards

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/ingest"
)

// xlsxType is the media type of an XLSX workbook.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// dataTemplate answers GET /data/templates/{dataset}.xlsx: the dataset's template for the yearly round (as
// `kapacitet template`), for ?year= (default: the year after the latest with data) and, with
// ?municipality= (code or name), that municipality's rows of the year before filled in: for analysts and
// admins only (the rows hold person counts below 5 and survey comments), published rows unless draft=true.
// Anyone may download an empty template.
func (s *Server) dataTemplate(c *echo.Context) error {
	name, ok := strings.CutSuffix(c.Param("file"), ".xlsx")
	d, known := data.DatasetByName(name)
	if !ok || !known {
		return echo.NewHTTPError(http.StatusNotFound, fmt.Sprintf("Ukendt datasæt %q; skabeloner: %s (som .xlsx). (Unknown dataset.)",
			c.Param("file"), data.DatasetNames()))
	}
	r, err := parseRequest(c)
	if err != nil {
		return err
	}
	if r.Municipality == analysis.AllAreas {
		return badRequest{"Vælg én kommune. (Choose one municipality.)"}
	}
	if r.Municipality != 0 {
		// the rows hold person counts below 5 and survey comments, which the public must not get
		if _, err := require(c, "analyst"); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	opt, err := ingest.WriteTemplate(c.Request().Context(), s.Store, &buf, d, r.View, r.Year, r.Municipality, time.Now().In(copenhagen))
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", attachment(templateFileName(d, opt)))
	return c.Blob(http.StatusOK, xlsxType, buf.Bytes())
}

// templateFileName is kapacitet_skabelon_<dataset>[_<municipality>]_<year>.xlsx, the municipality by its
// name in ASCII (aalborg, broenderslev), or its code when the name does not fold to ASCII.
func templateFileName(d *data.Dataset, opt ingest.TemplateOptions) string {
	parts := []string{"kapacitet_skabelon", d.Name}
	if opt.Municipality != 0 {
		m := data.Normalize(data.AreaName(opt.Municipality))
		for _, r := range m {
			if r > 'z' || (r < 'a' && (r < '0' || r > '9')) {
				m = strconv.Itoa(opt.Municipality)
				break
			}
		}
		parts = append(parts, m)
	}
	return strings.Join(append(parts, strconv.Itoa(opt.Year)), "_") + ".xlsx"
}
