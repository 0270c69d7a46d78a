package queries

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Assessment is DAS's own assessment of a year (Markdown), as the yearly report shows it first.
type Assessment struct {
	Year      int
	Text      string
	UpdatedAt time.Time // the current text's; zero for an edition's
	UpdatedBy string
}

// MaxAssessment bounds an assessment's text (bytes): pages of prose, not a file store.
const MaxAssessment = 64 << 10

// ErrAssessmentTooLarge and ErrAssessmentNotText refuse an assessment: more than MaxAssessment bytes, or
// not UTF-8 text.
var (
	ErrAssessmentTooLarge = fmt.Errorf("the assessment is more than %d bytes", MaxAssessment)
	ErrAssessmentNotText  = errors.New("the assessment is not UTF-8 text")
)

// SetAssessment stores year's assessment (an empty text removes it). It is a draft until the year is
// published: the edition keeps the text it was published with. Every way in (the admin page, the API, the
// CLI) comes here, and these are its checks. The audit log's entry is written with it.
func (s *Store) SetAssessment(ctx context.Context, year int, text, by string) error {
	switch {
	case len(text) > MaxAssessment:
		return ErrAssessmentTooLarge
	case !utf8.ValidString(text):
		return ErrAssessmentNotText
	}
	s.write.Lock()
	defer s.write.Unlock()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if strings.TrimSpace(text) == "" {
			if _, err := tx.ExecContext(ctx, `DELETE FROM assessments WHERE year = $1`, year); err != nil {
				return err
			}
			return audit(ctx, tx, by, AuditAssessment, map[string]any{"year": year, "removed": true})
		}
		_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO assessments (year, text, updated_at, updated_by) VALUES ($1, $2, now(), $3)`, year, text, by)
		if err != nil {
			return err
		}
		return audit(ctx, tx, by, AuditAssessment, map[string]any{"year": year, "bytes": len(text)})
	})
}

// Assessment is year's assessment in view: for drafts the current text, otherwise the text the year's
// latest edition was published with. ok is false when there is none.
func (s *Reader) Assessment(ctx context.Context, v View, year int) (a Assessment, ok bool, err error) {
	a.Year = year
	if v.Draft {
		err = s.q.QueryRowContext(ctx, `SELECT text, updated_at, updated_by FROM assessments WHERE year = $1`, year).Scan(&a.Text, &a.UpdatedAt, &a.UpdatedBy)
	} else {
		err = s.q.QueryRowContext(ctx, `SELECT a.text FROM edition_assessments a JOIN latest_editions e ON e.id = a.edition_id WHERE e.year = $1`, year).Scan(&a.Text)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return a, false, nil
	}
	if err != nil {
		return a, false, fmt.Errorf("store: assessment %d: %w", year, err)
	}
	return a, true, nil
}

// assessmentChange keeps the current assessment of ed's year with ed (inside Publish's transaction) and
// tells whether it differs from the one prev was published with.
func (s *Reader) assessmentChange(ctx context.Context, tx *sql.Tx, ed Edition, prev *Edition) (changed bool, err error) {
	var now, before sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT text FROM assessments WHERE year = $1`, ed.Year).Scan(&now); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, err
	}
	if prev != nil {
		if err := tx.QueryRowContext(ctx, `SELECT text FROM edition_assessments WHERE edition_id = $1`, prev.ID).Scan(&before); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return false, err
		}
	}
	if now.Valid {
		if _, err := tx.ExecContext(ctx, `INSERT INTO edition_assessments VALUES ($1, $2)`, ed.ID, now.String); err != nil {
			return false, err
		}
	}
	return now != before, nil
}
