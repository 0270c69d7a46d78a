package dashboards

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"time"
	_ "time/tzdata" // the edition dates are Copenhagen's also on a machine without zoneinfo

	"github.com/labstack/echo/v5"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// copenhagen is where DAS publishes: edition dates are its dates.
var copenhagen = func() *time.Location {
	l, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		panic(err) // embedded by time/tzdata
	}
	return l
}()

// EditionLabel names an edition as pages and extracts show it: "Udgave 3, offentliggjort 12.05.2024".
func EditionLabel(ed queries.Edition, lang string) string {
	if lang == "en" {
		return fmt.Sprintf("Edition %d, published %s", ed.Number, dateIn(ed.PublishedAt, lang))
	}
	return fmt.Sprintf("Udgave %d, offentliggjort %s", ed.Number, dateIn(ed.PublishedAt, lang))
}

// EditionView is an edition as `/api/v1/editions` lists it: with its label and its correction log in the
// requested language.
type EditionView struct {
	queries.Edition
	Label       string                `json:"label"`
	Corrections []analysis.Correction `json:"corrections"`
}

// Editions lists every edition, the newest first, with their labels and correction logs in lang.
func Editions(ctx context.Context, rd *queries.Reader, lang string) ([]EditionView, error) {
	eds, err := rd.Editions(ctx)
	if err != nil {
		return nil, err
	}
	out := []EditionView{}
	for _, ed := range eds {
		v, err := rd.Frozen(ctx, ed.ID, lang, "corrections", func(t queries.EditionTexts) (any, error) {
			log := []analysis.Correction{}
			var err error
			if len(t.Corrections) > 0 {
				err = json.Unmarshal(t.Corrections, &log)
			}
			if log == nil {
				log = []analysis.Correction{}
			}
			return log, err
		})
		if err != nil {
			return nil, err
		}
		out = append(out, EditionView{Edition: ed, Label: EditionLabel(ed, lang), Corrections: v.([]analysis.Correction)})
	}
	return out, nil
}

// apiEditions answers GET /api/v1/editions: {"items": [...]}, the newest first.
func (s *Server) apiEditions(c *echo.Context) error {
	l := lang(c.QueryParam("lang"))
	ctx := c.Request().Context()
	var items []EditionView
	err := s.Store.Read(ctx, func(rd *queries.Reader) error {
		var err error
		items, err = Editions(ctx, rd, l)
		return err
	})
	if err != nil {
		return err
	}
	if !callerOf(c).Signed { // who published is for the secretariat and analysts, not the public
		for i := range items {
			items[i].PublishedBy = ""
		}
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

// editionOf is the label of the edition a viewer sees for year ("" when the year has none).
func editionOf(ctx context.Context, rd *queries.Reader, year int, lang string) (string, error) {
	eds, err := rd.LatestEditions(ctx)
	if err != nil {
		return "", err
	}
	for _, ed := range eds {
		if ed.Year == year {
			return EditionLabel(ed, lang), nil
		}
	}
	return "", nil
}

// yearParam is the {year} of a route's path; 400 when it is not a plausible year.
func yearParam(c *echo.Context) (int, error) {
	year, err := strconv.Atoi(c.Param("year"))
	if err != nil || !data.PlausibleYear(year) {
		return 0, badRequest{fmt.Sprintf("Ugyldigt år %q. (Invalid year.)", c.Param("year"))}
	}
	return year, nil
}

// apiPublish answers POST /api/v1/publish/{year} (admin): the year's next edition, as Publish makes it;
// {"created": false, ...} when nothing changed since the year's latest edition.
func (s *Server) apiPublish(c *echo.Context) error {
	who, err := require(c, "admin")
	if err != nil {
		return err
	}
	year, err := yearParam(c)
	if err != nil {
		return err
	}
	l := lang(c.QueryParam("lang"))
	ctx := c.Request().Context()
	ed, created, err := Publish(ctx, s.Store, year, s.Analysis, who.Name)
	if errors.Is(err, queries.ErrNothingToPublish) {
		return echo.NewHTTPError(http.StatusUnprocessableEntity, fmt.Sprintf("Der er ingen data for %d at offentliggøre. (No data of that year is loaded.)", year))
	}
	if err != nil {
		return err
	}
	var view EditionView
	err = s.Store.Read(ctx, func(rd *queries.Reader) error {
		all, err := Editions(ctx, rd, l)
		for _, e := range all {
			if e.ID == ed.ID {
				view = e
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"created": created, "edition": view})
}

// pageHead is what the layout of every page reads: its language, title and path, the year shown, whether
// demo data is among it (and the label saying so), the "opgjort pr." date and the edition shown.
type pageHead struct {
	Lang, Title, Path        string
	Query                    template.URL // the request's parameters but lang (set by renderStatus): the language switch keeps them
	Year                     int
	Demo                     bool
	DemoLabel, AsOf, Edition string
	Draft                    bool   // the page shows drafts: every chart says so
	SignedIn                 bool   // the caller is signed in (or gave a token): the navigation offers to sign out
	PrintCSS                 string // a stylesheet for print beside the site's (the report's page header)
	// Standalone: the page is written to a file (kapacitet report), its styles and scripts inline
	Standalone bool
	Inline     template.CSS
	Scripts    template.JS
}

// frame is what every page says about its data: whether the demo data is among it (and the label saying so),
// and the edition it shows ("Udgave 3, offentliggjort ...", or that it is a draft).
func frame(ctx context.Context, rd *queries.Reader, r *request) (demo bool, demoLabel, edition string, err error) {
	if demo, err = rd.ShowsDemo(ctx, r.View); err != nil {
		return
	}
	if r.View.Draft {
		return demo, data.DemoLabel(r.Lang), texts[r.Lang]["draft"], nil
	}
	edition, err = editionOf(ctx, rd, r.Year, r.Lang)
	return demo, data.DemoLabel(r.Lang), edition, err
}

// frame fills what a page's head says about its data (frame): demo, the edition shown, and whether it is a
// draft.
func (h *pageHead) frame(ctx context.Context, rd *queries.Reader, r *request) error {
	var err error
	h.Draft, h.SignedIn = r.View.Draft, r.Signed
	if h.Demo, h.DemoLabel, h.Edition, err = frame(ctx, rd, r); err != nil {
		return err
	}
	h.AsOf, err = asOf(ctx, rd, r)
	return err
}

// asOf is the "opgjort pr." date every chart gives with its source: the day the newest batch the page may
// show was loaded (a published one for the public, any for drafts), as Copenhagen's date in lang's format;
// "" when nothing is loaded.
func asOf(ctx context.Context, rd *queries.Reader, r *request) (string, error) {
	batches, err := rd.Batches(ctx)
	if err != nil {
		return "", err
	}
	var at time.Time
	for _, b := range batches {
		if (b.Published || r.View.Draft) && b.LoadedAt.After(at) {
			at = b.LoadedAt
		}
	}
	return dateIn(at, r.Lang), nil
}

// dateIn writes a day as a page of lang does: "12.05.2024", "12 May 2024"; "" for the zero time.
func dateIn(t time.Time, lang string) string {
	switch {
	case t.IsZero():
		return ""
	case lang == "en":
		return t.In(copenhagen).Format("2 January 2006")
	}
	return t.In(copenhagen).Format("02.01.2006")
}
