package queries

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/kapacitet/kapacitet/data"
)

// Edition is a published, frozen state of one year: its rows as they were when published (see
// schema/002_editions.sql) and the findings a viewer gets, stored with it.
type Edition struct {
	ID          int64     `json:"id"`
	Year        int       `json:"year"`
	Number      int       `json:"number"` // within the year: "Udgave 2"
	AsOfBatch   int64     `json:"as_of_batch"`
	PublishedAt time.Time `json:"published_at"`
	PublishedBy string    `json:"published_by,omitempty"` // left out for the public
}

// EditionTexts are what an edition stores per language: the year's findings for a viewer and the correction
// log against the year's previous edition, both as JSON.
type EditionTexts struct {
	Findings, Corrections []byte
}

// RowChange counts, for one dataset, the rows of the year an edition has that the previous one did not
// (Added) and the other way round (Removed): a corrected row counts in both.
type RowChange struct {
	Dataset string `json:"dataset"`
	Added   int    `json:"added"`
	Removed int    `json:"removed"`
}

// PublishBuild computes, inside the publishing transaction, what the new edition stores per language. The
// Reader sees the new edition as the year's latest (the viewer's view of the data after publishing).
type PublishBuild func(rd *Reader, in PublishInput) (map[string]EditionTexts, error)

// PublishInput is what a new edition is: the edition, the year's previous one (nil for the first), what
// changed in the year's rows since it, and whether DAS's assessment changed.
type PublishInput struct {
	Edition           Edition
	Prev              *Edition
	Rows              []RowChange
	AssessmentChanged bool
}

// ErrNothingToPublish is returned by Publish for a year without data.
var ErrNothingToPublish = errors.New("nothing to publish")

// bumpDataVersion counts every write: the version readers and caches compare.
const bumpDataVersion = `INSERT INTO meta VALUES ('data_version', '1')
ON CONFLICT (key) DO UPDATE SET value = (CAST(meta.value AS BIGINT) + 1)::VARCHAR`

// Publish builds the next edition of year in one transaction: the year's current rows, frozen, DAS's current
// assessment of the year, and what build computes from them. When neither the rows, the assessment nor what
// build computes differ from the year's latest edition, nothing is written and that edition is returned with
// created false. A new edition's entry of the audit log is written with it.
func (s *Store) Publish(ctx context.Context, year int, by string, build PublishBuild) (ed Edition, created bool, err error) {
	s.write.Lock()
	defer s.write.Unlock()
	conn, tx, err := s.begin(ctx)
	if err != nil {
		return Edition{}, false, fmt.Errorf("store: publish: %w", err)
	}
	defer conn.Close()
	defer tx.Rollback()
	rd := &Reader{q: tx, frozen: s.frozen, raw: rawOf(conn)}
	fail := func(err error) (Edition, bool, error) {
		return Edition{}, false, fmt.Errorf("store: publish %d: %w", year, err)
	}
	var rows int64
	if err := tx.QueryRowContext(ctx, yearRowsSQL(), year).Scan(&rows); err != nil {
		return fail(err)
	}
	if rows == 0 {
		return Edition{}, false, fmt.Errorf("store: publish %d: %w: no rows of that year are loaded", year, ErrNothingToPublish)
	}
	prev, err := rd.latestEdition(ctx, year)
	if err != nil {
		return fail(err)
	}
	ed = Edition{Year: year, Number: 1, PublishedBy: by}
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) + 1, (SELECT coalesce(max(id), 0) FROM batches) FROM editions`).
		Scan(&ed.ID, &ed.AsOfBatch); err != nil {
		return fail(err)
	}
	if prev != nil {
		ed.Number = prev.Number + 1
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO editions (id, year, number, as_of_batch, published_by) VALUES ($1, $2, $3, $4, $5)
		RETURNING published_at`, ed.ID, year, ed.Number, ed.AsOfBatch, by).Scan(&ed.PublishedAt); err != nil {
		return fail(err)
	}
	var changes []RowChange
	if prev != nil {
		if changes, err = rd.rowChanges(ctx, year, prev.AsOfBatch, ed.AsOfBatch); err != nil {
			return fail(err)
		}
	}
	assessed, err := rd.assessmentChange(ctx, tx, ed, prev)
	if err != nil {
		return fail(err)
	}
	texts := map[string]EditionTexts{}
	if build != nil {
		if texts, err = build(rd, PublishInput{Edition: ed, Prev: prev, Rows: changes, AssessmentChanged: assessed}); err != nil {
			return Edition{}, false, err
		}
	}
	if prev != nil && len(changes) == 0 && !assessed {
		same := true
		for lang, t := range texts {
			old, err := rd.EditionTexts(ctx, prev.ID, lang)
			if err != nil {
				return fail(err)
			}
			same = same && string(old.Findings) == string(t.Findings)
		}
		if same {
			return *prev, false, nil // the deferred rollback removes the edition row
		}
	}
	for lang, t := range texts {
		if _, err := tx.ExecContext(ctx, `INSERT INTO edition_texts VALUES ($1, $2, $3, $4)`, ed.ID, lang, string(t.Findings), string(t.Corrections)); err != nil {
			return fail(err)
		}
	}
	if err := audit(ctx, tx, by, AuditPublish, map[string]any{"year": year, "edition": ed.Number, "edition_id": ed.ID, "as_of_batch": ed.AsOfBatch}); err != nil {
		return fail(err)
	}
	if _, err := tx.ExecContext(ctx, bumpDataVersion); err != nil {
		return fail(err)
	}
	if err := tx.Commit(); err != nil {
		return fail(err)
	}
	s.counts.data.Add(1)
	s.counts.editions.Add(1)
	return ed, true, nil
}

// yearRowsSQL counts the current rows of a year ($1) over every dataset.
func yearRowsSQL() string {
	q := "SELECT 0"
	for _, d := range datasetNames() {
		q += fmt.Sprintf(" + (SELECT count(*) FROM %s WHERE year = $1 AND replaced_by IS NULL)", d)
	}
	return q
}

// rowChanges counts per dataset the rows of year in the edition as of batch to that are not in the one as
// of batch from, and the other way round (datasets without changes are left out).
func (s *Reader) rowChanges(ctx context.Context, year int, from, to int64) ([]RowChange, error) {
	var out []RowChange
	for _, d := range datasetNames() {
		// in "to", not in "from": loaded after from (and by to), not replaced by to; the other way round:
		// loaded by from, replaced after from and by to
		c := RowChange{Dataset: d}
		err := s.q.QueryRowContext(ctx, fmt.Sprintf(`SELECT
			count(*) FILTER (WHERE batch_id > $2 AND batch_id <= $3 AND (replaced_by IS NULL OR replaced_by > $3)),
			count(*) FILTER (WHERE batch_id <= $2 AND replaced_by > $2 AND replaced_by <= $3)
			FROM %s WHERE year = $1`, d), year, from, to).Scan(&c.Added, &c.Removed)
		if err != nil {
			return nil, err
		}
		if c.Added+c.Removed > 0 {
			out = append(out, c)
		}
	}
	return out, nil
}

// Editions lists every edition, the newest first.
func (s *Reader) Editions(ctx context.Context) ([]Edition, error) {
	var out []Edition
	err := s.rows(ctx, "editions", nil, func(r *sql.Rows) error {
		var e Edition
		err := r.Scan(&e.ID, &e.Year, &e.Number, &e.AsOfBatch, &e.PublishedAt, &e.PublishedBy)
		out = append(out, e)
		return err
	})
	return out, err
}

// LatestEditions returns the latest edition of each published year, the newest year first: what viewers see.
func (s *Reader) LatestEditions(ctx context.Context) ([]Edition, error) {
	all, err := s.Editions(ctx)
	if err != nil {
		return nil, err
	}
	var out []Edition
	seen := map[int]bool{}
	for _, e := range all { // newest first, so the first of each year is its latest
		if !seen[e.Year] {
			seen[e.Year] = true
			out = append(out, e)
		}
	}
	return out, nil
}

func (s *Reader) latestEdition(ctx context.Context, year int) (*Edition, error) {
	eds, err := s.LatestEditions(ctx)
	if err != nil {
		return nil, err
	}
	for _, e := range eds {
		if e.Year == year {
			return &e, nil
		}
	}
	return nil, nil
}

// EditionTexts returns what edition id stores for lang (empty when it stores nothing for it).
func (s *Reader) EditionTexts(ctx context.Context, id int64, lang string) (EditionTexts, error) {
	var f, c string
	err := s.q.QueryRowContext(ctx, `SELECT findings, corrections FROM edition_texts WHERE edition_id = $1 AND lang = $2`, id, lang).Scan(&f, &c)
	if errors.Is(err, sql.ErrNoRows) {
		return EditionTexts{}, nil
	}
	if err != nil {
		return EditionTexts{}, fmt.Errorf("store: edition %d: %w", id, err)
	}
	return EditionTexts{Findings: []byte(f), Corrections: []byte(c)}, nil
}

// DataVersion counts the writes to the database (0 before the first).
func (s *Reader) DataVersion(ctx context.Context) (int64, error) {
	var v string
	err := s.q.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'data_version'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: data version: %w", err)
	}
	return strconv.ParseInt(v, 10, 64)
}

// datasetNames are the dataset tables, in data's order.
func datasetNames() []string {
	var out []string
	for _, d := range data.Datasets {
		out = append(out, d.Name)
	}
	return out
}

// Frozen returns what decode makes of edition id's texts in lang, decoding them once per what (the name of
// what decode makes): an edition never changes, so the result is kept for the life of the Store and shared
// (callers must not change it).
func (s *Reader) Frozen(ctx context.Context, id int64, lang, what string, decode func(EditionTexts) (any, error)) (any, error) {
	type key struct {
		id         int64
		lang, what string
	}
	if v, ok := s.frozen.Load(key{id, lang, what}); ok {
		return v, nil
	}
	t, err := s.EditionTexts(ctx, id, lang)
	if err != nil {
		return nil, err
	}
	v, err := decode(t)
	if err != nil {
		return nil, fmt.Errorf("store: edition %d: %w", id, err)
	}
	s.frozen.Store(key{id, lang, what}, v)
	return v, nil
}
