package dashboards

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// adminPage is /admin for admins signed in with the browser: DAS's assessment of a year, written in
// Markdown, with the published text beside it and a preview of the draft report; the upload of a file
// (adminforms.go), the year's delivery status, the batches with a restore button each, a publish button per
// year with data, the tokens (create, revoke), the survey comments awaiting approval, and a link to the audit
// log (/admin/audit, audit.go). A form's result (or its error) is shown at the top.
type adminPage struct {
	pageHead
	CSRF        string
	Years       []option
	Text        string
	UpdatedAt   string
	UpdatedBy   string
	Published   string
	HasDraft    bool
	HasEdition  bool
	Saved       bool
	MaxBytes    int
	PreviewLink string

	Result       adminResult
	Datasets     []option
	MaxUploadMB  int64
	Delivery     []DeliveryLine
	Batches      []batchRow
	PublishYears []int
	Tokens       []tokenRow
	Roles        []string
	Comments     []commentRow
}

// adminResult is what a form did: a message, or an error (both in the page's language), an upload's report,
// a new token (shown this once).
type adminResult struct {
	Message, Error string
	Ingest         *ingestReport
	Secret         string
}

// Any says whether a form did anything to report (the page shows its result section only then).
func (r adminResult) Any() bool {
	return r.Message != "" || r.Error != "" || r.Ingest != nil || r.Secret != ""
}

// ingestReport is an upload's report as /admin shows it.
type ingestReport struct {
	File, Dataset     string
	DryRun, Duplicate bool
	Batch             int64
	Rows, Replaced    int
	Problems          []problemRow
}

type problemRow struct{ Where, Column, Value, Reason string }

type batchRow struct {
	ID                                int64
	Dataset, File, Status, By, Loaded string
	Rows                              int
	Published                         bool
}

type tokenRow struct {
	Name, Role, Created, By, Expires, Revoked string
	Active                                    bool
}

type commentRow struct {
	Year                           int
	Municipality, Group, Text, Key string
}

// requireAdminSession lets an admin signed in with the browser through (ok); anyone else is sent to the
// sign-in page (no session, also with a token in the Authorization header) or refused (403).
func requireAdminSession(c *echo.Context) (who caller, ok bool, err error) {
	who = callerOf(c)
	if who.csrf == "" {
		return who, false, c.Redirect(http.StatusSeeOther, "/signin?next="+url.QueryEscape(c.Request().URL.RequestURI())+"&lang="+lang(c.QueryParam("lang")))
	}
	if who.Role != "admin" {
		return who, false, echo.NewHTTPError(http.StatusForbidden, "Det kræver administratoradgang. (This needs an admin token.)")
	}
	return who, true, nil
}

// adminForm lets a form of /admin through: an admin's browser session (requireAdminSession) and the
// session's CSRF token (checkCSRF), the body read up to limit bytes (413 above it). ok is false when the
// request is answered already (a redirect to sign in) or refused (err); nothing has then been changed.
func adminForm(c *echo.Context, limit int64) (who caller, ok bool, err error) {
	if who, ok, err = requireAdminSession(c); !ok {
		return who, false, err
	}
	r := c.Request()
	r.Body = http.MaxBytesReader(c.Response(), r.Body, limit)
	var tooLarge *http.MaxBytesError
	if err := r.ParseMultipartForm(32 << 20); errors.As(err, &tooLarge) {
		return who, false, echo.NewHTTPError(http.StatusRequestEntityTooLarge, fmt.Sprintf("Formularen er større end %d KiB. (The form is too large.)", limit>>10))
	}
	if err := checkCSRF(c); err != nil {
		return who, false, err
	}
	return who, true, nil
}

// admin answers GET /admin?year=N.
func (s *Server) admin(c *echo.Context) error {
	who, ok, err := requireAdminSession(c)
	if !ok {
		return err
	}
	return s.showAdmin(c, who, http.StatusOK, adminResult{})
}

// showAdmin renders /admin with a form's result, as status: the year of ?year= (the latest with data by
// default), in the language of ?lang= or the form's.
func (s *Server) showAdmin(c *echo.Context, who caller, status int, res adminResult) error {
	l := lang(c.FormValue("lang"))
	ctx := c.Request().Context()
	p := adminPage{pageHead: pageHead{Lang: l, Path: "/admin", Title: text(l, "admin_title"), SignedIn: true}, CSRF: who.csrf,
		Saved: c.QueryParam("saved") == "1", MaxBytes: queries.MaxAssessment, Result: res, MaxUploadMB: s.Limits.MaxUploadMB,
		Roles: queries.Roles}
	for _, d := range data.Datasets {
		p.Datasets = append(p.Datasets, option{Value: d.Name, Label: datasetName(d, l)})
	}
	err := s.Store.Read(ctx, func(rd *queries.Reader) error {
		years, err := rd.Years(ctx, queries.View{Draft: true})
		if err != nil {
			return err
		}
		// the years with data, and the year after the latest (the coming round)
		var choices []int
		for _, y := range years {
			choices = append(choices, y.Year)
			p.PublishYears = append(p.PublishYears, y.Year)
		}
		next := time.Now().Year()
		if len(choices) > 0 {
			next = choices[len(choices)-1] + 1
		}
		choices = append(choices, next)
		p.Year = queries.LatestYear(years)
		if y := c.QueryParam("year"); y != "" {
			if p.Year, err = strconv.Atoi(y); err != nil || !data.PlausibleYear(p.Year) {
				return badRequest{fmt.Sprintf("Ugyldigt år %q. (Invalid year.)", y)}
			}
		}
		if p.Year == 0 {
			p.Year = next
		}
		for i := len(choices) - 1; i >= 0; i-- {
			p.Years = append(p.Years, option{Value: strconv.Itoa(choices[i]), Label: strconv.Itoa(choices[i]), Selected: choices[i] == p.Year})
		}
		a, ok, err := rd.Assessment(ctx, queries.View{Draft: true}, p.Year)
		if err != nil {
			return err
		}
		if p.HasDraft = ok; ok {
			p.Text, p.UpdatedAt, p.UpdatedBy = a.Text, dateIn(a.UpdatedAt, l), a.UpdatedBy
		}
		pub, ok, err := rd.Assessment(ctx, queries.View{}, p.Year)
		if err != nil {
			return err
		}
		p.HasEdition, p.Published = ok, pub.Text
		return s.adminLists(ctx, rd, &p)
	})
	if err != nil {
		return err
	}
	p.PreviewLink = fmt.Sprintf("/report/%d?draft=true&lang=%s#assessment", p.Year, l)
	c.Response().Header().Set("Cache-Control", "no-store")
	return s.renderStatus(c, status, "admin.html", p)
}

// adminLists reads what /admin lists: the year's delivery status, the batches, the tokens and the comments
// awaiting approval.
func (s *Server) adminLists(ctx context.Context, rd *queries.Reader, p *adminPage) error {
	l := p.Lang
	status, err := Delivery(ctx, rd, p.Year, l)
	if err != nil {
		return err
	}
	p.Delivery = status.Summary
	batches, err := rd.Batches(ctx)
	if err != nil {
		return err
	}
	for i := len(batches) - 1; i >= 0; i-- { // the newest first
		b := batches[i]
		p.Batches = append(p.Batches, batchRow{ID: b.ID, Dataset: b.Dataset, File: b.FileName, Rows: b.Rows, Status: b.Status,
			Published: b.Published, By: b.LoadedBy, Loaded: b.LoadedAt.In(copenhagen).Format("2006-01-02 15:04")})
	}
	tokens, err := rd.Tokens(ctx)
	if err != nil {
		return err
	}
	now := time.Now()
	for _, t := range tokens {
		r := tokenRow{Name: t.Name, Role: t.Role, Created: t.CreatedAt.In(copenhagen).Format("2006-01-02 15:04"), By: t.CreatedBy,
			Expires: "–", Revoked: "–", Active: t.RevokedAt == nil && !t.Expired(now)}
		if t.ExpiresAt != nil {
			r.Expires = t.ExpiresAt.In(copenhagen).Format("2006-01-02 15:04")
			if t.Expired(now) {
				r.Expires += " (" + text(l, "admin_expired") + ")"
			}
		}
		if t.RevokedAt != nil {
			r.Revoked = t.RevokedAt.In(copenhagen).Format("2006-01-02 15:04")
		}
		p.Tokens = append(p.Tokens, r)
	}
	comments, err := rd.UnapprovedComments(ctx)
	if err != nil {
		return err
	}
	for _, cm := range comments {
		m, _ := data.MunicipalityByCode(cm.Municipality)
		g, _ := data.TargetGroupByCode(cm.TargetGroup)
		p.Comments = append(p.Comments, commentRow{Year: cm.Year, Municipality: m.Name, Group: g.Name(l), Text: cm.Text, Key: cm.Key()})
	}
	return nil
}

// adminAssessment answers POST /admin/assessment: the year's assessment saved (CSRF token required).
func (s *Server) adminAssessment(c *echo.Context) error {
	who, ok, err := adminForm(c, maxForm)
	if !ok {
		return err
	}
	year, err := strconv.Atoi(c.FormValue("year"))
	if err != nil || !data.PlausibleYear(year) {
		return badRequest{fmt.Sprintf("Ugyldigt år %q. (Invalid year.)", c.FormValue("year"))}
	}
	if err := assessmentRefused(s.Store.SetAssessment(c.Request().Context(), year, c.FormValue("text"), who.Name)); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin?year=%d&saved=1&lang=%s", year, lang(c.FormValue("lang"))))
}

// signoutForm answers GET /signout: a button that signs out (a form, so that it carries the CSRF token).
func (s *Server) signoutForm(c *echo.Context) error {
	who := callerOf(c)
	l := lang(c.QueryParam("lang"))
	c.Response().Header().Set("Cache-Control", "no-store")
	return s.render(c, "signout.html", signinPage{pageHead: pageHead{Lang: l, Path: "/signout", Title: text(l, "signout"), SignedIn: who.csrf != ""}, CSRF: who.csrf})
}
