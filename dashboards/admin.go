package dashboards

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// adminPage is /admin for admins signed in with the browser: for now DAS's assessment of a year, written in
// Markdown, with the published text beside it, a preview of the draft report and a link to the audit log
// (/admin/audit, audit.go). (The security issue adds ingest, batches, publishing and tokens.)
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
}

// requireAdminSession lets an admin signed in with the browser through; anyone else is sent to the sign-in
// page (no session) or refused (403).
func requireAdminSession(c *echo.Context) (caller, error) {
	who := callerOf(c)
	if who.csrf == "" {
		return who, c.Redirect(http.StatusSeeOther, "/signin?next="+url.QueryEscape(c.Request().URL.RequestURI())+"&lang="+lang(c.QueryParam("lang")))
	}
	if who.Role != "admin" {
		return who, echo.NewHTTPError(http.StatusForbidden, "Det kræver administratoradgang. (This needs an admin token.)")
	}
	return who, nil
}

// admin answers GET /admin?year=N.
func (s *Server) admin(c *echo.Context) error {
	who, err := requireAdminSession(c)
	if err != nil || who.Role != "admin" {
		return err
	}
	l := lang(c.QueryParam("lang"))
	ctx := c.Request().Context()
	p := adminPage{pageHead: pageHead{Lang: l, Path: "/admin", Title: text(l, "admin_title"), SignedIn: true}, CSRF: who.csrf,
		Saved: c.QueryParam("saved") == "1", MaxBytes: queries.MaxAssessment}
	err = s.Store.Read(ctx, func(rd *queries.Reader) error {
		years, err := rd.Years(ctx, queries.View{Draft: true})
		if err != nil {
			return err
		}
		// the years with data, and the year after the latest (the coming round)
		var choices []int
		for _, y := range years {
			choices = append(choices, y.Year)
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
		p.HasEdition, p.Published = ok, pub.Text
		return err
	})
	if err != nil {
		return err
	}
	p.PreviewLink = fmt.Sprintf("/report/%d?draft=true&lang=%s#assessment", p.Year, l)
	c.Response().Header().Set("Cache-Control", "no-store")
	return s.render(c, "admin.html", p)
}

// adminAssessment answers POST /admin/assessment: the year's assessment saved (CSRF token required).
func (s *Server) adminAssessment(c *echo.Context) error {
	who, err := requireAdminSession(c)
	if err != nil || who.Role != "admin" {
		return err
	}
	if err := checkCSRF(c); err != nil {
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
