package queries

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// Survey comments are free text: viewers are shown a comment only once an admin has approved it (at /admin;
// schema/008_comment_approvals.sql), analysts and admins every comment. An approval is of the text: a new
// delivery with another comment needs a new one.

// Comment is a survey answer's comment awaiting approval.
type Comment struct {
	Year, Municipality int
	TargetGroup, Text  string
}

// Key names the comment in a form: "year/municipality/target_group/sha256 of the text" (hex), so that an
// approval is of the text the admin saw.
func (c Comment) Key() string {
	h := sha256.Sum256([]byte(c.Text))
	return fmt.Sprintf("%d/%d/%s/%s", c.Year, c.Municipality, c.TargetGroup, hex.EncodeToString(h[:]))
}

// UnapprovedComments lists the comments of the current rows and of the latest editions that no admin has
// approved, the newest year first.
func (s *Reader) UnapprovedComments(ctx context.Context) ([]Comment, error) {
	var out []Comment
	err := s.rows(ctx, "unapproved_comments", nil, func(r *sql.Rows) error {
		var c Comment
		err := r.Scan(&c.Year, &c.Municipality, &c.TargetGroup, &c.Text)
		out = append(out, c)
		return err
	})
	return out, err
}

// ApproveComment approves the comment whose Key is key, by by (ctx's actor in the audit log when it carries
// one, see WithActor): viewers are then shown it. ErrNotFound when no current or published answer has that
// comment; approving an approved comment again changes nothing. The audit log's entry is written with it.
func (s *Store) ApproveComment(ctx context.Context, key, by string) (Comment, error) {
	parts := strings.Split(key, "/")
	var c Comment
	var err1, err2 error
	if len(parts) == 4 {
		c.Year, err1 = strconv.Atoi(parts[0])
		c.Municipality, err2 = strconv.Atoi(parts[1])
		c.TargetGroup = parts[2]
	}
	if len(parts) != 4 || err1 != nil || err2 != nil {
		return Comment{}, fmt.Errorf("store: comment %q: %w", key, ErrNotFound)
	}
	s.write.Lock()
	defer s.write.Unlock()
	// the answer's texts, current and published, and the one the key names
	rs, err := s.db.QueryContext(ctx, `SELECT DISTINCT comment FROM survey_rows WHERE year = $1 AND municipality = $2
		AND target_group = $3 AND (draft_visible OR published_visible) AND coalesce(comment, '') <> ''`, c.Year, c.Municipality, c.TargetGroup)
	if err != nil {
		return Comment{}, fmt.Errorf("store: comment: %w", err)
	}
	found := false
	for rs.Next() {
		var text string
		if err := rs.Scan(&text); err != nil {
			rs.Close()
			return Comment{}, fmt.Errorf("store: comment: %w", err)
		}
		if x := (Comment{c.Year, c.Municipality, c.TargetGroup, text}); x.Key() == key {
			c, found = x, true
		}
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return Comment{}, fmt.Errorf("store: comment: %w", err)
	}
	if !found {
		return Comment{}, fmt.Errorf("store: comment %q: %w", key, ErrNotFound)
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM comment_approvals WHERE year = $1 AND municipality = $2
		AND target_group = $3 AND comment = $4`, c.Year, c.Municipality, c.TargetGroup, c.Text).Scan(&n); err != nil {
		return Comment{}, fmt.Errorf("store: comment: %w", err)
	}
	if n > 0 {
		return c, nil
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO comment_approvals (year, municipality, target_group, comment, approved_by)
			VALUES ($1, $2, $3, $4, $5)`, c.Year, c.Municipality, c.TargetGroup, c.Text, by); err != nil {
			return err
		}
		return audit(ctx, tx, by, AuditCommentApprove, map[string]any{"year": c.Year, "municipality": c.Municipality, "target_group": c.TargetGroup})
	})
	if err != nil {
		return Comment{}, fmt.Errorf("store: approve comment: %w", err)
	}
	s.counts.approvals.Add(1) // what viewers see changed: the pages cached by the editions are stale
	return c, nil
}
