package queries

import (
	"context"
	"database/sql"

	"github.com/kapacitet/kapacitet/data"
)

// SurveyAnswer is one municipality's answer for a target group: its score (nil for "ved ikke") and comment,
// and whether an admin has approved the comment for viewers (ApproveComment).
type SurveyAnswer struct {
	Municipality int
	Score        *int
	Comment      string
	Approved     bool
}

// SurveyAnswers returns the answers of year and target group in the region, by municipality.
func (s *Reader) SurveyAnswers(ctx context.Context, v View, year int, group string) ([]SurveyAnswer, error) {
	var out []SurveyAnswer
	err := s.rows(ctx, "survey_answers", []any{v.Draft, year, group, data.RegionCode}, func(r *sql.Rows) error {
		var a SurveyAnswer
		var score sql.NullInt64
		err := r.Scan(&a.Municipality, &score, &a.Comment, &a.Approved)
		if score.Valid {
			n := int(score.Int64)
			a.Score = &n
		}
		out = append(out, a)
		return err
	})
	return out, err
}

// GroupOffer is an offer serving a target group in a year, with its places.
type GroupOffer struct {
	ID, Name, Ownership string
	Location            int
	Places              int64
}

// OffersForGroup returns the offers of year that serve target group, the most places first.
func (s *Reader) OffersForGroup(ctx context.Context, v View, year int, group string) ([]GroupOffer, error) {
	var out []GroupOffer
	err := s.rows(ctx, "offers_for_group", []any{v.Draft, year, group}, func(r *sql.Rows) error {
		var o GroupOffer
		err := r.Scan(&o.ID, &o.Name, &o.Location, &o.Ownership, &o.Places)
		out = append(out, o)
		return err
	})
	return out, err
}

// Population returns the inhabitants of each municipality of the region in year, as v sees them.
func (s *Reader) Population(ctx context.Context, v View, year int) (map[int]int64, error) {
	out := map[int]int64{}
	err := s.rows(ctx, "population", []any{v.Draft, year, data.RegionCode}, func(r *sql.Rows) error {
		var m int
		var n int64
		err := r.Scan(&m, &n)
		out[m] = n
		return err
	})
	return out, err
}
