package queries

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// The audit log (schema/007_audit_log.sql): who did what when. The writes that change the data (LoadBatch
// for ingests and restores, Publish, CreateToken, RevokeToken, SetAssessment, ApproveComment) write their entry in their own
// transaction, so that the entry and the action commit together; sign-ins and sign-outs are written on their
// own (Audit).

// Audit actions.
const (
	AuditIngest         = "ingest"
	AuditPublish        = "publish"
	AuditRestore        = "restore"
	AuditTokenCreate    = "token_create"
	AuditTokenRevoke    = "token_revoke"
	AuditSignin         = "signin"
	AuditSigninFailed   = "signin_failed"
	AuditSignout        = "signout"
	AuditAssessment     = "assessment"
	AuditCommentApprove = "comment_approve" // a survey comment approved for viewers (ApproveComment)
)

// AuditActions are the actions an entry can have, in the order the audit page offers them.
var AuditActions = []string{AuditIngest, AuditPublish, AuditRestore, AuditTokenCreate, AuditTokenRevoke, AuditSignin,
	AuditSigninFailed, AuditSignout, AuditAssessment, AuditCommentApprove}

// AuditEntry is one entry of the audit log.
type AuditEntry struct {
	ID      int64          `json:"id"`
	At      time.Time      `json:"at"`
	Who     string         `json:"who"`
	Action  string         `json:"action"`
	Details map[string]any `json:"details"` // numbers as json.Number
}

// Actor is who does what a request or a command writes, for the audit log: a token's name (the API, a
// browser session, a command from another machine) or "cli:USER" (the CLI on the server's machine), and the
// client's address when the action came over HTTP.
type Actor struct {
	Who    string
	Client string
}

type actorKey struct{}

// WithActor is ctx carrying a, which the audit log's entries of the writes made with ctx name (instead of the
// by the writes are given, which names the caller in the batches, editions and tokens).
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorOf is the actor ctx carries (WithActor).
func ActorOf(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}

// execer is a transaction or a connection, which audit writes its entry with.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// audit writes an entry in x (the action's transaction): who is ctx's actor, else by.
func audit(ctx context.Context, x execer, by, action string, details map[string]any) error {
	if a, ok := ActorOf(ctx); ok && a.Who != "" {
		by = a.Who
	}
	return writeAudit(ctx, x, by, action, details)
}

// writeAudit writes an entry in x; the client address of ctx's actor joins the details.
func writeAudit(ctx context.Context, x execer, who, action string, details map[string]any) error {
	if details == nil {
		details = map[string]any{}
	}
	if a, ok := ActorOf(ctx); ok && a.Client != "" {
		details["client"] = a.Client
	}
	b, err := json.Marshal(details)
	if err != nil {
		return fmt.Errorf("store: audit: %w", err)
	}
	if _, err := x.ExecContext(ctx, `INSERT INTO audit_log (who, action, details) VALUES ($1, $2, $3)`, who, action, string(b)); err != nil {
		return fmt.Errorf("store: audit: %w", err)
	}
	return nil
}

// Audit writes an entry that belongs to no other write: a sign-in, a failed one, a sign-out. who is as given
// (the token's name, "" when unknown), whatever ctx's actor says; its client address joins the details. It
// does not take the write lock (an ingest may hold it for minutes, and appending a row conflicts with no
// other transaction) and does not change the data version (the caches stay).
func (s *Store) Audit(ctx context.Context, who, action string, details map[string]any) error {
	if !slices.Contains(AuditActions, action) {
		return fmt.Errorf("store: audit: unknown action %q", action)
	}
	return writeAudit(ctx, s.db, who, action, details)
}

// MaxAuditList is the most entries AuditLog returns.
const MaxAuditList = 1000

// AuditLog lists the newest entries first, at most limit (1..MaxAuditList; other values: 100), of action
// only when it is not "".
func (s *Reader) AuditLog(ctx context.Context, action string, limit int) ([]AuditEntry, error) {
	if limit <= 0 || limit > MaxAuditList {
		limit = 100
	}
	rs, err := s.q.QueryContext(ctx, `SELECT id, "at", who, action, details FROM audit_log
		WHERE $1 = '' OR action = $1 ORDER BY id DESC LIMIT $2`, action, limit)
	if err != nil {
		return nil, fmt.Errorf("store: audit log: %w", err)
	}
	defer rs.Close()
	var out []AuditEntry
	for rs.Next() {
		var e AuditEntry
		var details string
		if err := rs.Scan(&e.ID, &e.At, &e.Who, &e.Action, &details); err != nil {
			return nil, fmt.Errorf("store: audit log: %w", err)
		}
		dec := json.NewDecoder(bytes.NewReader([]byte(details)))
		dec.UseNumber()
		if err := dec.Decode(&e.Details); err != nil {
			return nil, fmt.Errorf("store: audit log %d: %w", e.ID, err)
		}
		out = append(out, e)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("store: audit log: %w", err)
	}
	return out, nil
}
