package main

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kapacitet/kapacitet/queries"
)

func init() {
	register(command{name: "token", db: true, args: "create --role viewer|analyst|admin --name NAME [--expires 90d] | list | revoke NAME", run: runToken,
		summary: "API tokens: create one (printed once, only its hash is kept; --expires: valid for so long), list them, revoke one"})
}

func runToken(e *env, args []string) error {
	f := newFlags(e, "token")
	role := f.String("role", "", "create: the token's role: viewer, analyst or admin")
	name := f.String("name", "", "create: a name for the token (who or what uses it)")
	expires := f.String("expires", "", "create: how long the token is valid: days (90d) or a duration (2160h); default: until revoked")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("token takes `create --role ROLE --name NAME [--expires 90d]`, `list` or `revoke NAME`")
	}
	switch {
	case pos[0] == "create" && len(pos) == 1:
		if !queries.ValidRole(*role) {
			return usagef("token create needs --role %s", strings.Join(queries.Roles, ", "))
		}
		if !queries.ValidTokenName(*name) {
			return usagef("token create needs --name: 1-64 letters, digits, spaces and . _ @ -")
		}
		until, err := queries.ExpiresAt(*expires, time.Now())
		if err != nil {
			return usagef("invalid --expires %q: %v", *expires, err)
		}
		st, err := f.open(e)
		if err != nil {
			return err
		}
		defer st.Close()
		secret, err := st.CreateTokenUntil(e.ctx, *name, *role, e.who(), until)
		if errors.Is(err, queries.ErrExists) {
			return usagef("a token called %q exists (`kapacitet token list`)", *name)
		}
		if err != nil {
			return err
		}
		valid := "until revoked"
		if !until.IsZero() {
			valid = "until " + until.Local().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(e.stdout, "Token %q (%s, valid %s). It is shown this once; only its hash is kept:\n%s\n", *name, *role, valid, secret)
		return nil
	case pos[0] == "list" && len(pos) == 1:
		st, err := f.open(e)
		if err != nil {
			return err
		}
		defer st.Close()
		list, err := st.Tokens(e.ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(w, "NAME\tROLE\tCREATED\tBY\tEXPIRES\tREVOKED")
		now := time.Now()
		for _, t := range list {
			revoked, expiry := "-", "-"
			if t.RevokedAt != nil {
				revoked = t.RevokedAt.Local().Format("2006-01-02 15:04")
			}
			if t.ExpiresAt != nil {
				expiry = t.ExpiresAt.Local().Format("2006-01-02 15:04")
				if t.Expired(now) {
					expiry += " (expired)"
				}
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", t.Name, t.Role, t.CreatedAt.Local().Format("2006-01-02 15:04"), t.CreatedBy, expiry, revoked)
		}
		return w.Flush()
	case pos[0] == "revoke" && len(pos) == 2:
		st, err := f.open(e)
		if err != nil {
			return err
		}
		defer st.Close()
		err = st.RevokeToken(e.ctx, pos[1], e.who())
		if errors.Is(err, queries.ErrNotFound) {
			return usagef("there is no token in force called %q (`kapacitet token list`)", pos[1])
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "token %q revoked\n", pos[1])
		return nil
	default:
		return usagef("token takes `create --role ROLE --name NAME [--expires 90d]`, `list` or `revoke NAME`")
	}
}
