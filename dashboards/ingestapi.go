package dashboards

import (
	"context"
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
	d, err := datasetNamed(c.Param("dataset"))
	if err != nil {
		return err
	}
	r := c.Request()
	name, content, err := upload(r, http.MaxBytesReader(c.Response(), r.Body, s.maxUpload()))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return s.uploadTooLarge()
	case err != nil:
		return err
	}
	res, err := s.ingestFile(r.Context(), who, d, name, content, c.QueryParam("dry_run") == "true", c.QueryParam("sheet"))
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

// datasetNamed is the dataset of an upload (its name in English or Danish), 404 for an unknown one.
func datasetNamed(name string) (*data.Dataset, error) {
	d, ok := data.DatasetByName(name)
	if !ok {
		return nil, echo.NewHTTPError(http.StatusNotFound, fmt.Sprintf("Ukendt datasæt %q; datasæt: %s. (Unknown dataset.)", name, data.DatasetNames()))
	}
	return d, nil
}

// maxUpload is the most bytes an upload's body may have ([ingest] max_upload_mb).
func (s *Server) maxUpload() int64 { return s.Limits.MaxUploadMB << 20 }

// uploadTooLarge is the answer to an upload above maxUpload: 413.
func (s *Server) uploadTooLarge() error {
	return echo.NewHTTPError(http.StatusRequestEntityTooLarge, fmt.Sprintf("Filen er større end %d MiB. (The file is larger than %d MiB.)", s.Limits.MaxUploadMB, s.Limits.MaxUploadMB))
}

// ingestFile validates and (unless dryRun) loads an uploaded file as d by who: the ingest of the API and of
// /admin's upload form. An *ingest.InvalidError lists every problem; nothing is then loaded.
func (s *Server) ingestFile(ctx context.Context, who caller, d *data.Dataset, name string, content []byte, dryRun bool, sheet string) (ingest.Result, error) {
	lim := s.Limits
	return ingest.File(ctx, s.Store, d, name, content, ingest.Options{LoadedBy: who.Name, DryRun: dryRun, Sheet: sheet, Limits: &lim})
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
				if err != nil && !errors.As(err, &tooLarge) { // the part cut short: the form's fault, not ours
					err = badRequest{"Formularen kan ikke læses. (The multipart form is malformed.)"}
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
