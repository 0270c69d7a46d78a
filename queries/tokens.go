package queries

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Roles are the roles a token can have, from the least to the most it may do.
var Roles = []string{"viewer", "analyst", "admin"}

// Token is an API token as listed: never the token itself, which only its creator saw once.
type Token struct {
	Name      string     `json:"name"`
	Role      string     `json:"role"`
	CreatedAt time.Time  `json:"created_at"`
	CreatedBy string     `json:"created_by"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"` // nil: never
}

// Expired tells whether the token has expired at now. The store's lookups leave out expired tokens, but a
// lookup remembered by a cache may outlive the expiry: whoever caches lookups checks this too.
func (t Token) Expired(now time.Time) bool {
	return t.ExpiresAt != nil && !now.Before(*t.ExpiresAt)
}

// ErrExists is returned when a name is taken.
var ErrExists = errors.New("exists")

// TokenHash is what the store keeps of a token (hex SHA-256): also the key of caches of lookups.
func TokenHash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// CreateToken makes a token for name with role that never expires and returns it (CreateTokenUntil).
func (s *Store) CreateToken(ctx context.Context, name, role, by string) (string, error) {
	return s.CreateTokenUntil(ctx, name, role, by, time.Time{})
}

// CreateTokenUntil makes a token for name with role, valid until expires (the zero time: never), and returns
// it; only its hash is stored, so this is the one time it can be seen. Tokens are "kap_" and 43 letters,
// digits, "-" and "_" (32 random bytes). The audit log's entry is written with it.
func (s *Store) CreateTokenUntil(ctx context.Context, name, role, by string, expires time.Time) (string, error) {
	if !ValidRole(role) {
		return "", fmt.Errorf("store: token: unknown role %q", role)
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("store: token: %w", err)
	}
	secret := "kap_" + base64.RawURLEncoding.EncodeToString(b)
	s.write.Lock()
	defer s.write.Unlock()
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM tokens WHERE name = $1`, name).Scan(&n); err != nil {
		return "", fmt.Errorf("store: token: %w", err)
	}
	if n > 0 {
		return "", fmt.Errorf("store: token %q: %w", name, ErrExists)
	}
	var until *time.Time
	details := map[string]any{"token": name, "role": role}
	if !expires.IsZero() {
		until = &expires
		details["expires_at"] = expires.UTC().Format(time.RFC3339)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO tokens (name, role, hash, created_by, expires_at) VALUES ($1, $2, $3, $4, $5)`,
			name, role, TokenHash(secret), by, until)
		if err != nil {
			return err
		}
		return audit(ctx, tx, by, AuditTokenCreate, details)
	})
	if err != nil {
		return "", fmt.Errorf("store: token: %w", err)
	}
	return secret, nil
}

// RevokeToken revokes the token called name (ErrNotFound when there is none in force); by is who revokes
// it, for the audit log (ctx's actor when it carries one, see WithActor).
func (s *Store) RevokeToken(ctx context.Context, name, by string) error {
	s.write.Lock()
	defer s.write.Unlock()
	var n int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE tokens SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL`, name)
		if err == nil {
			n, err = res.RowsAffected()
		}
		if err == nil && n == 0 {
			err = fmt.Errorf("store: token %q: %w", name, ErrNotFound)
		}
		if err == nil {
			err = audit(ctx, tx, by, AuditTokenRevoke, map[string]any{"token": name})
		}
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return err
	}
	if err != nil {
		return fmt.Errorf("store: revoke: %w", err)
	}
	return nil
}

// Tokens lists the tokens by name, revoked ones included.
func (s *Reader) Tokens(ctx context.Context) ([]Token, error) {
	var out []Token
	err := s.rows(ctx, "tokens", nil, func(r *sql.Rows) error {
		var t Token
		err := r.Scan(&t.Name, &t.Role, &t.CreatedAt, &t.CreatedBy, &t.RevokedAt, &t.ExpiresAt)
		out = append(out, t)
		return err
	})
	return out, err
}

// TokenFor returns the token in force whose secret this is; ok is false for an unknown, revoked or expired one. The
// secret is looked up by its hash, so the comparison never runs over the secret itself.
func (s *Reader) TokenFor(ctx context.Context, secret string) (t Token, ok bool, err error) {
	return s.activeToken(ctx, "hash", TokenHash(secret))
}

// activeToken is the token whose column (hash or name) is value, if it is neither revoked nor expired.
func (s *Reader) activeToken(ctx context.Context, column, value string) (t Token, ok bool, err error) {
	err = s.q.QueryRowContext(ctx, `SELECT name, role, created_at, created_by, expires_at FROM tokens
		WHERE `+column+` = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
		value).Scan(&t.Name, &t.Role, &t.CreatedAt, &t.CreatedBy, &t.ExpiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Token{}, false, nil
	}
	if err != nil {
		return Token{}, false, fmt.Errorf("store: token: %w", err)
	}
	return t, true, nil
}

// inTx runs a small write in one transaction that also bumps the data version (the caller holds the write
// lock); an error from fn rolls both back.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, bumpDataVersion); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	s.counts.data.Add(1)
	return nil
}

// SessionKey is the key that signs the browsers' session cookies: 32 random bytes made on first use and kept
// in the database (so sessions outlive a restart; a restore or a new database signs everyone out).
func (s *Store) SessionKey(ctx context.Context) ([]byte, error) {
	s.write.Lock()
	defer s.write.Unlock()
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'session_key'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		v = hex.EncodeToString(key)
		_, err = s.db.ExecContext(ctx, `INSERT INTO meta VALUES ('session_key', $1)`, v)
	}
	if err != nil {
		return nil, fmt.Errorf("store: session key: %w", err)
	}
	return hex.DecodeString(v)
}

// TokenNamed is the active (neither revoked nor expired) token called name, for a browser session made with it.
func (s *Reader) TokenNamed(ctx context.Context, name string) (Token, bool, error) {
	return s.activeToken(ctx, "name", name)
}

// tokenName is what a token's name may be: it shows in lists, logs and paths (/admin/tokens/NAME/revoke).
var tokenName = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{N} ._@-]{0,63}$`)

// ValidTokenName tells whether name may name a token: 1-64 letters, digits, spaces and . _ @ -, starting
// with a letter or digit (`kapacitet token create` and /admin check it).
func ValidTokenName(name string) bool { return tokenName.MatchString(name) }

// ValidRole tells whether role is one of Roles.
func ValidRole(role string) bool { return slices.Contains(Roles, role) }

// ErrExpiry is returned by ExpiresAt for a value it cannot read.
var ErrExpiry = errors.New("give days (90d) or a duration (2160h, 36h30m), more than 0")

// ExpiresAt is when a token made at now for v expires: v is days ("90d", at most 100 years) or a Go duration
// ("2160h", "36h30m"), more than nothing, counted from now to the second; "" is never (the zero time).
func ExpiresAt(v string, now time.Time) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	var d time.Duration
	var err error
	if n, ok := strings.CutSuffix(v, "d"); ok {
		var days int
		days, err = strconv.Atoi(n)
		if err == nil && (days < 0 || days > 100*366) {
			err = ErrExpiry
		}
		d = time.Duration(days) * 24 * time.Hour
	} else {
		d, err = time.ParseDuration(v)
	}
	if err != nil || d <= 0 {
		return time.Time{}, ErrExpiry
	}
	return now.Add(d).Truncate(time.Second), nil
}
