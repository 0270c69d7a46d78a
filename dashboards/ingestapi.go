package dashboards

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/labstack/echo/v5"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/ingest"
)

// apiIngest answers POST /api/v1/ingest/{dataset} (admin): the body is one file, raw (its name in ?file= or
// in a Content-Disposition header) or as the "file" part of multipart/form-data; ?dry_run=true and ?sheet=
// as in the CLI. 200 with the report of what was loaded (the JSON of `ingest --format json`), 422 with the
// report of every problem (nothing loaded), 413 above the upload limit ([ingest] max_upload_mb).
func (s *Server) apiIngest(c *echo.Context) error {
	who, err := require(c, "admin")
	if err != nil {
		return err
	}
	d, ok := data.DatasetByName(c.Param("dataset"))
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound, fmt.Sprintf("Ukendt datasæt %q; datasæt: %s. (Unknown dataset.)", c.Param("dataset"), data.DatasetNames()))
	}
	limit := s.Limits.MaxUploadMB << 20
	r := c.Request()
	name, content, err := upload(r, http.MaxBytesReader(c.Response(), r.Body, limit))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return echo.NewHTTPError(http.StatusRequestEntityTooLarge, fmt.Sprintf("Filen er større end %d MiB. (The file is larger than %d MiB.)", s.Limits.MaxUploadMB, s.Limits.MaxUploadMB))
	case err != nil:
		return err
	}
	lim := s.Limits
	res, err := ingest.File(r.Context(), s.Store, d, name, content, ingest.Options{LoadedBy: who.Name, DryRun: c.QueryParam("dry_run") == "true",
		Sheet: c.QueryParam("sheet"), Limits: &lim})
	var ie *ingest.InvalidError
	if errors.As(err, &ie) {
		var body apiError
		body.Error.Code, body.Error.Message, body.Error.Details = "invalid_file", ie.Summary(), ingest.ReportJSON(res, err)
		return c.JSON(http.StatusUnprocessableEntity, body)
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ingest.ReportJSON(res, nil))
}

// upload reads the uploaded file from body: the "file" part of a multipart form, or the body itself. Its
// name is the part's file name, ?file=, or a Content-Disposition header's; "upload" without one.
func upload(r *http.Request, body io.Reader) (string, []byte, error) {
	name := r.URL.Query().Get("file")
	if _, params, err := mime.ParseMediaType(r.Header.Get("Content-Disposition")); err == nil && name == "" {
		name = params["filename"]
	}
	if mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil && mt == "multipart/form-data" {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart()
			var tooLarge *http.MaxBytesError
			switch {
			case err == io.EOF:
				return "", nil, badRequest{"Formularen har ingen del \"file\". (The form has no \"file\" part.)"}
			case errors.As(err, &tooLarge):
				return "", nil, err
			case err != nil:
				return "", nil, badRequest{"Formularen kan ikke læses. (The multipart form is malformed.)"}
			}
			if p.FormName() == "file" {
				b, err := io.ReadAll(p)
				if p.FileName() != "" {
					name = p.FileName()
				}
				return cleanName(name), b, err
			}
		}
	}
	b, err := io.ReadAll(body)
	return cleanName(name), b, err
}

// cleanName keeps the base of an uploaded file's name (it names the batch, never a path).
func cleanName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	if name == "." || name == "/" || name == "" {
		return "upload"
	}
	return name
}
