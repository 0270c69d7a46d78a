package dashboards

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/ingest"
	"github.com/kapacitet/kapacitet/queries"
)

// The forms of /admin (admin.go). Each is for an admin's browser session and needs its CSRF token
// (adminForm); each does what the API or the CLI does, by the same code, and answers with /admin showing
// what it did (showAdmin), or why not, in the page's language. The audit log names the admin (the request's
// context carries the actor, auth.go).

// adminFailed shows /admin with an error: the text of key in the page's language, with args.
func (s *Server) adminFailed(c *echo.Context, who caller, status int, key string, args ...any) error {
	return s.showAdmin(c, who, status, adminResult{Error: fmt.Sprintf(text(lang(c.FormValue("lang")), key), args...)})
}

// adminDone shows /admin with a message: the text of key in the page's language, with args.
func (s *Server) adminDone(c *echo.Context, who caller, key string, args ...any) error {
	return s.showAdmin(c, who, http.StatusOK, adminResult{Message: fmt.Sprintf(text(lang(c.FormValue("lang")), key), args...)})
}

// adminIngest answers POST /admin/ingest (multipart: dataset, file, dry_run): the ingest of POST
// /api/v1/ingest/{dataset} (ingestFile, the same upload limit and rate limit), its report shown in the
// page: the batch, rows and replaced rows, or every problem (422, nothing loaded).
func (s *Server) adminIngest(c *echo.Context) error {
	who, ok, err := adminForm(c, s.maxUpload())
	if !ok {
		return err
	}
	l := lang(c.FormValue("lang"))
	d, found := data.DatasetByName(c.FormValue("dataset"))
	if !found {
		return s.adminFailed(c, who, http.StatusNotFound, "admin_unknown_dataset", c.FormValue("dataset"))
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return s.adminFailed(c, who, http.StatusBadRequest, "admin_no_file")
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	content, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		return err
	}
	res, err := s.ingestFile(c.Request().Context(), who, d, cleanName(fh.Filename), content, c.FormValue("dry_run") == "true", "")
	var ie *ingest.InvalidError
	if err != nil && !errors.As(err, &ie) {
		return err
	}
	rep := ingest.ReportJSON(res, err)
	out := &ingestReport{File: cleanName(fh.Filename), Dataset: datasetName(d, l), DryRun: rep.DryRun, Duplicate: rep.Duplicate,
		Rows: rep.Rows, Replaced: rep.Replaced}
	if rep.Batch != nil {
		out.Batch = *rep.Batch
	}
	status := http.StatusOK
	if ie != nil {
		status = http.StatusUnprocessableEntity
		for _, p := range ie.Problems {
			out.Problems = append(out.Problems, problemRow{Where: p.WhereIn(l), Column: p.Column, Value: p.Value, Reason: p.Reason(l)})
		}
	}
	return s.showAdmin(c, who, status, adminResult{Ingest: out})
}

// adminRestore answers POST /admin/batches/{id}/restore: what `kapacitet batches restore N` does (its rows
// again, as a new draft batch; the audit log's entry "restore").
func (s *Server) adminRestore(c *echo.Context) error {
	who, ok, err := adminForm(c, maxForm)
	if !ok {
		return err
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return s.adminFailed(c, who, http.StatusNotFound, "admin_no_batch", c.Param("id"))
	}
	res, err := s.Store.RestoreBatch(c.Request().Context(), id, queries.RestoredBy(who.Name, id))
	switch {
	case errors.Is(err, queries.ErrNotFound):
		return s.adminFailed(c, who, http.StatusNotFound, "admin_no_batch", c.Param("id"))
	case err != nil:
		return err
	case res.Duplicate:
		return s.adminDone(c, who, "admin_restore_in_force", id)
	}
	return s.adminDone(c, who, "admin_restored", id, res.ID, res.Rows, res.Replaced)
}

// adminPublish answers POST /admin/publish (year): the year's next edition, as POST /api/v1/publish/{year}
// makes it (Publish), or that nothing changed since the latest.
func (s *Server) adminPublish(c *echo.Context) error {
	who, ok, err := adminForm(c, maxForm)
	if !ok {
		return err
	}
	year, err := strconv.Atoi(c.FormValue("year"))
	if err != nil || !data.PlausibleYear(year) {
		return s.adminFailed(c, who, http.StatusBadRequest, "admin_bad_year", c.FormValue("year"))
	}
	ed, created, err := Publish(c.Request().Context(), s.Store, year, s.Analysis, who.Name)
	switch {
	case errors.Is(err, queries.ErrNothingToPublish):
		return s.adminFailed(c, who, http.StatusUnprocessableEntity, "admin_nothing_to_publish", year)
	case err != nil:
		return err
	case !created:
		return s.adminDone(c, who, "admin_publish_unchanged", year, ed.Number)
	}
	return s.adminDone(c, who, "admin_published_edition", ed.Number, year)
}

// adminCreateToken answers POST /admin/tokens (name, role, expires): a token made as `kapacitet token
// create` makes it (the same checks), shown this once on the page.
func (s *Server) adminCreateToken(c *echo.Context) error {
	who, ok, err := adminForm(c, maxForm)
	if !ok {
		return err
	}
	name, role, expires := c.FormValue("name"), c.FormValue("role"), c.FormValue("expires")
	if !queries.ValidTokenName(name) {
		return s.adminFailed(c, who, http.StatusBadRequest, "admin_bad_token_name")
	}
	if !queries.ValidRole(role) {
		return s.adminFailed(c, who, http.StatusBadRequest, "admin_bad_role")
	}
	until, err := queries.ExpiresAt(expires, time.Now())
	if err != nil {
		return s.adminFailed(c, who, http.StatusBadRequest, "admin_bad_expiry", expires)
	}
	secret, err := s.Store.CreateTokenUntil(c.Request().Context(), name, role, who.Name, until)
	if errors.Is(err, queries.ErrExists) {
		return s.adminFailed(c, who, http.StatusConflict, "admin_token_exists", name)
	}
	if err != nil {
		return err
	}
	l := lang(c.FormValue("lang"))
	return s.showAdmin(c, who, http.StatusOK, adminResult{Message: fmt.Sprintf(text(l, "admin_token_created"), name, role), Secret: secret})
}

// adminRevokeToken answers POST /admin/tokens/{name}/revoke: the token revoked (its sessions end).
func (s *Server) adminRevokeToken(c *echo.Context) error {
	who, ok, err := adminForm(c, maxForm)
	if !ok {
		return err
	}
	name := c.Param("name")
	if n, err := url.PathUnescape(name); err == nil {
		name = n
	}
	err = s.Store.RevokeToken(c.Request().Context(), name, who.Name)
	if errors.Is(err, queries.ErrNotFound) {
		return s.adminFailed(c, who, http.StatusNotFound, "admin_no_token", name)
	}
	if err != nil {
		return err
	}
	if name == who.Name { // the admin's own session has ended
		return c.Redirect(http.StatusSeeOther, "/signin?lang="+lang(c.FormValue("lang")))
	}
	return s.adminDone(c, who, "admin_token_revoked", name)
}

// adminApproveComment answers POST /admin/comments/approve (key: queries.Comment.Key): the survey comment
// approved, so that viewers are shown it on the group page.
func (s *Server) adminApproveComment(c *echo.Context) error {
	who, ok, err := adminForm(c, maxForm)
	if !ok {
		return err
	}
	cm, err := s.Store.ApproveComment(c.Request().Context(), c.FormValue("key"), who.Name)
	if errors.Is(err, queries.ErrNotFound) {
		return s.adminFailed(c, who, http.StatusNotFound, "admin_no_comment")
	}
	if err != nil {
		return err
	}
	m, _ := data.MunicipalityByCode(cm.Municipality)
	g, _ := data.TargetGroupByCode(cm.TargetGroup)
	return s.adminDone(c, who, "admin_comment_approved", m.Name, g.Name(lang(c.FormValue("lang"))), cm.Year)
}
