package dashboards

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v5"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// DeliveryLine is one dataset's delivery status for a year, with its sentence: what `/api/v1/delivery`
// (summary), `kapacitet batches status` and the /data page say.
type DeliveryLine struct {
	Dataset    string   `json:"dataset"`
	Name       string   `json:"name"`        // the dataset's name in the language
	RegionWide bool     `json:"region_wide"` // delivered once for the region (offers, tariffs)
	Delivered  int      `json:"delivered"`   // municipalities that have delivered (region-wide: 1 or 0)
	Expected   int      `json:"expected"`    // the region's municipalities (region-wide: 1)
	Missing    []string `json:"missing"`     // the municipalities that have not, by name
	Sentence   string   `json:"sentence"`
	// Counts is the sentence for everyone (the /data page): how many have delivered, not who has not
	Counts string `json:"-"`
}

// DeliveryStatus is the delivery status of a year as `/api/v1/delivery` and `batches status --format json`
// give it: an item per dataset and municipality (queries.Reader.Delivery), and a sentence per dataset.
type DeliveryStatus struct {
	Items   []queries.Delivery `json:"items"`
	Summary []DeliveryLine     `json:"summary"`
}

// Delivery reads the delivery status of year, with its sentences in lang.
func Delivery(ctx context.Context, rd *queries.Reader, year int, lang string) (DeliveryStatus, error) {
	items, err := rd.Delivery(ctx, year)
	if err != nil {
		return DeliveryStatus{}, err
	}
	if items == nil {
		items = []queries.Delivery{}
	}
	return DeliveryStatus{Items: items, Summary: DeliverySummary(items, year, lang)}, nil
}

// DeliverySummary says per dataset (in the order of items) who has delivered for year, in lang (en, or
// Danish): "Efterspørgsel: 8 af 11 kommuner har indberettet for 2024; mangler: Læsø, Morsø, Thisted." and,
// for a region-wide dataset, "Tilbud: indberettet for 2024 (batch 2, 25.11.2026)."
func DeliverySummary(items []queries.Delivery, year int, lang string) []DeliveryLine {
	out := []DeliveryLine{}
	for i := 0; i < len(items); {
		j := i
		for j < len(items) && items[j].Dataset == items[i].Dataset {
			j++
		}
		out = append(out, deliveryLine(items[i:j], year, lang))
		i = j
	}
	return out
}

// deliveryLine is the line of one dataset's items.
func deliveryLine(items []queries.Delivery, year int, lang string) DeliveryLine {
	d, _ := data.DatasetByName(items[0].Dataset)
	l := DeliveryLine{Dataset: d.Name, Name: datasetName(d, lang), Expected: len(items), Missing: []string{}}
	for _, it := range items {
		if it.Delivered {
			l.Delivered++
		} else {
			l.Missing = append(l.Missing, it.Name)
		}
	}
	sort.Strings(l.Missing)
	if len(items) == 1 && items[0].Municipality == data.RegionCode {
		l.RegionWide = true
		l.Sentence = l.Name + ": " + regionDelivery(items[0], year, lang)
		l.Counts = l.Sentence
		return l
	}
	l.Sentence, l.Counts = municipalDelivery(l, year, lang, true), municipalDelivery(l, year, lang, false)
	return l
}

// regionDelivery is the sentence of a region-wide dataset, after its name.
func regionDelivery(it queries.Delivery, year int, lang string) string {
	switch {
	case !it.Delivered && lang == "en":
		return fmt.Sprintf("not delivered for %d.", year)
	case !it.Delivered:
		return fmt.Sprintf("ikke indberettet for %d.", year)
	}
	at := it.LoadedAt.In(copenhagen)
	if lang == "en" {
		return fmt.Sprintf("delivered for %d (batch %d, %s).", year, *it.Batch, at.Format("2 January 2006"))
	}
	return fmt.Sprintf("indberettet for %d (batch %d, %s).", year, *it.Batch, at.Format("02.01.2006"))
}

// municipalDelivery is the sentence of a dataset delivered by each municipality: "8 af 11 kommuner har
// indberettet efterspørgsel for 2024; mangler: ..." (who is missing only with names).
func municipalDelivery(l DeliveryLine, year int, lang string, names bool) string {
	what := strings.ToLower(l.Name)
	var s string
	if lang == "en" {
		switch {
		case l.Delivered == l.Expected:
			return fmt.Sprintf("All %d municipalities have delivered %s for %d.", l.Expected, what, year)
		case l.Delivered == 0:
			return fmt.Sprintf("None of the %d municipalities has delivered %s for %d.", l.Expected, what, year)
		case l.Delivered == 1:
			s = fmt.Sprintf("1 of %d municipalities has delivered %s for %d", l.Expected, what, year)
		default:
			s = fmt.Sprintf("%d of %d municipalities have delivered %s for %d", l.Delivered, l.Expected, what, year)
		}
		if names {
			s += "; missing: " + strings.Join(l.Missing, ", ")
		}
		return s + "."
	}
	switch {
	case l.Delivered == l.Expected:
		return fmt.Sprintf("Alle %d kommuner har indberettet %s for %d.", l.Expected, what, year)
	case l.Delivered == 0:
		return fmt.Sprintf("Ingen af de %d kommuner har indberettet %s for %d.", l.Expected, what, year)
	}
	s = fmt.Sprintf("%d af %d kommuner har indberettet %s for %d", l.Delivered, l.Expected, what, year)
	if names {
		s += "; mangler: " + strings.Join(l.Missing, ", ")
	}
	return s + "."
}

// apiDelivery answers GET /api/v1/delivery?year=N (analysts and admins): {"items": [...], "summary": [...]},
// an item per dataset and municipality, a sentence per dataset in ?lang (da, or en).
func (s *Server) apiDelivery(c *echo.Context) error {
	if _, err := require(c, "analyst"); err != nil {
		return err
	}
	y := c.QueryParam("year")
	if y == "" {
		return badRequest{"Angiv et år: ?year=2024. (The year is required.)"}
	}
	year, err := strconv.Atoi(y)
	if err != nil || !data.PlausibleYear(year) {
		return badRequest{fmt.Sprintf("Ugyldigt år %q. (Invalid year.)", y)}
	}
	l := lang(c.QueryParam("lang"))
	ctx := c.Request().Context()
	var st DeliveryStatus
	err = s.Store.Read(ctx, func(rd *queries.Reader) error {
		st, err = Delivery(ctx, rd, year, l)
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, st)
}
