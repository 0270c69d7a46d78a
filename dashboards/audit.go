package dashboards

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v5"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/queries"
)

// auditPage is /admin/audit: the audit log, newest first, for admins signed in with the browser.
type auditPage struct {
	pageHead
	Actions []option // the filter, "" (every action) first
	Action  string
	Limit   int
	Entries []auditRow
	Exports []exportRow // the export log (every extract: who, what, filters, rows), newest first
}

// exportRow is one extract of the export log as the page shows it.
type exportRow struct {
	At, Who, Role, Dataset, Format, Filters, Rows, Error string
}

// auditRow is one entry as the page shows it.
type auditRow struct {
	At, Who, Action, Details string
}

// adminAudit answers GET /admin/audit?action=A&limit=N: the latest entries (100 by default, at most
// queries.MaxAuditList), of one action when asked. Others are refused as at /admin.
func (s *Server) adminAudit(c *echo.Context) error {
	_, ok, err := requireAdminSession(c)
	if !ok {
		return err
	}
	l := lang(c.QueryParam("lang"))
	action := c.QueryParam("action")
	if action != "" && !slices.Contains(queries.AuditActions, action) {
		return badRequest{fmt.Sprintf("Ukendt handling %q. (Unknown action.)", action)}
	}
	limit := 100
	if v := c.QueryParam("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > queries.MaxAuditList {
			return badRequest{fmt.Sprintf("Ugyldig grænse %q: 1-%d. (Invalid limit.)", v, queries.MaxAuditList)}
		}
	}
	entries, err := s.Store.AuditLog(c.Request().Context(), action, limit)
	if err != nil {
		return err
	}
	p := auditPage{pageHead: pageHead{Lang: l, Path: "/admin/audit", Title: text(l, "audit_title"), SignedIn: true}, Action: action, Limit: limit}
	p.Actions = append(p.Actions, option{Value: "", Label: text(l, "audit_all"), Selected: action == ""})
	for _, a := range queries.AuditActions {
		p.Actions = append(p.Actions, option{Value: a, Label: text(l, "audit_"+a), Selected: a == action})
	}
	for _, e := range entries {
		p.Entries = append(p.Entries, auditRow{At: e.At.In(copenhagen).Format("2006-01-02 15:04:05"), Who: e.Who,
			Action: text(l, "audit_"+e.Action), Details: auditDetails(e.Details)})
	}
	exports, err := s.Store.ExportLog(c.Request().Context(), limit)
	if err != nil {
		return err
	}
	for _, e := range exports {
		p.Exports = append(p.Exports, exportRow{At: e.At.In(copenhagen).Format("2006-01-02 15:04:05"), Who: e.Who, Role: e.Role,
			Dataset: e.Dataset, Format: e.Format, Filters: e.Args, Rows: analysis.FormatInt(e.Rows, l), Error: e.Error})
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return s.render(c, "admin_audit.html", p)
}

// auditDetails writes an entry's details as "key: value" by key, separated by commas.
func auditDetails(d map[string]any) string {
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s: %v", k, d[k])
	}
	return strings.Join(parts, ", ")
}
