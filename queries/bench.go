package queries

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/kapacitet/kapacitet/data"
)

// BaselineInsertCSV loads a CSV file the way DuckDB does it by itself, the baseline the ingest benchmark is
// measured against: a table typed by DuckDB's sniffer, then INSERT INTO ... SELECT * FROM read_csv(...). It
// returns the rows inserted and the two statements.
func (s *Store) BaselineInsertCSV(ctx context.Context, path string) (int64, []string, error) {
	stmts := []string{query("bench_target"), query("bench_insert")}
	if _, err := s.db.ExecContext(ctx, stmts[0], path); err != nil {
		return 0, nil, fmt.Errorf("store: baseline: %w", err)
	}
	res, err := s.db.ExecContext(ctx, stmts[1], path)
	if err != nil {
		return 0, nil, fmt.Errorf("store: baseline: %w", err)
	}
	n, err := res.RowsAffected()
	for i := range stmts {
		stmts[i] = strings.TrimSpace(stmts[i])
	}
	return n, stmts, err
}

// Settings returns DuckDB's threads and memory_limit as the store runs with them.
func (s *Store) Settings(ctx context.Context) (threads, memoryLimit string, err error) {
	err = s.db.QueryRowContext(ctx, "SELECT current_setting('threads')::VARCHAR, current_setting('memory_limit')::VARCHAR").Scan(&threads, &memoryLimit)
	return threads, memoryLimit, err
}

// AggregateRows is how many rows one named query returned.
type AggregateRows struct {
	Name string // the query, queries/sql/NAME.sql
	Rows int
}

// BareAggregates runs the named aggregate queries that dashboards.Findings reads through Supply, Demand,
// Survey, OfferOccupancy, CapacityLines, PurchaseFlows and TariffLines, in that order and with the arguments
// those reads give them, and fetches every record batch as those reads do (Arrow, Reader.batches) without
// reading a value out of it: the baseline the findings benchmark is measured against (what is left of the
// findings' time is reading the columns into Go values and the analysis). Keep the list in step with
// reads.go and dashboards/findings.go.
func (s *Reader) BareAggregates(ctx context.Context, v View) ([]AggregateRows, error) {
	region := []any{data.RegionCode, v.Draft}
	draft := []any{v.Draft}
	reads := []struct {
		name string
		args []any
	}{
		{"supply", region}, {"demand", region}, {"survey", region}, {"offer_occupancy", draft},
		{"capacity_lines", region}, {"purchase_flows", draft}, {"tariff_lines", region},
	}
	out := make([]AggregateRows, len(reads))
	for i, r := range reads {
		out[i].Name = r.name
		err := s.batches(ctx, r.name, r.args, func(b arrow.RecordBatch) error { out[i].Rows += int(b.NumRows()); return nil })
		if err != nil {
			return nil, fmt.Errorf("store: %s: %w", r.name, err)
		}
	}
	return out, nil
}

// FillPurchases adds n generated purchase rows (years 2000-2009, the region's municipalities as buyers, every
// target group) as one draft batch, straight in SQL: the large table the extract benchmark and the streaming
// test export, made in seconds rather than through ingest. It returns the batch.
func (s *Store) FillPurchases(ctx context.Context, n int) (int64, error) {
	s.write.Lock()
	defer s.write.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var batch int64
	err = tx.QueryRowContext(ctx, `INSERT INTO batches (id, dataset, file_name, sha256, row_count, key_values, years, loaded_by, status, demo)
		SELECT coalesce(max(id), 0) + 1, 'purchases', 'generated', 'generated-' || (coalesce(max(id), 0) + 1), $1, '', range(2000, 2010), 'bench', 'active', false FROM batches
		RETURNING id`, n).Scan(&batch)
	if err != nil {
		return 0, fmt.Errorf("store: fill purchases: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO purchases (batch_id, line, year, buyer, offer_id, target_group, place_type, places, amount_dkk)
		SELECT $1, i + 2, 2000 + i % 10,
		       (SELECT list(code ORDER BY code) FROM municipalities WHERE region_code = 1081)[1 + (i // 10) % 11],
		       'G' || (i // 110) % 5000,
		       (SELECT list(code ORDER BY position) FROM target_groups)[1 + (i // 7) % 17],
		       CASE WHEN i % 2 = 0 THEN 'dag' ELSE 'doegn' END,
		       ((i % 997) / 10.0)::DECIMAL(18,2), ((i % 99991) * 100 / 7)::DECIMAL(18,2)
		FROM range($2) t(i)`, batch, n)
	if err == nil {
		_, err = tx.ExecContext(ctx, bumpDataVersion)
	}
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		return 0, fmt.Errorf("store: fill purchases: %w", err)
	}
	s.counts.data.Add(1)
	return batch, nil
}

// BaselineCopyParquet writes the extract of d under f with DuckDB's own COPY (SELECT ...) TO path (Parquet,
// ZSTD): the baseline of the extract benchmark. The filters are written into the statement (COPY takes no
// parameters); they are numbers and truth values from the program, never a user's text.
func (s *Store) BaselineCopyParquet(ctx context.Context, d *data.Dataset, f ExtractFilter, path string) (string, error) {
	q, args, err := s.extractSQL(ctx, d, f)
	if err != nil {
		return "", err
	}
	for i := len(args); i >= 1; i-- {
		var lit string
		switch v := args[i-1].(type) {
		case bool:
			lit = fmt.Sprint(v)
		case int, int64:
			lit = fmt.Sprint(v)
		default:
			return "", fmt.Errorf("store: baseline copy: a %T filter", v)
		}
		q = strings.ReplaceAll(q, fmt.Sprintf("$%d", i), lit)
	}
	stmt := fmt.Sprintf("COPY (%s) TO '%s' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)", q, strings.ReplaceAll(path, "'", "''"))
	_, err = s.db.ExecContext(ctx, stmt)
	return stmt, err
}

// BaselineOpen opens the DuckDB file at path as DuckDB does by itself, with the store's settings and a first
// query, and closes it: the baseline of the time a server takes to be ready. It returns the time taken.
func BaselineOpen(ctx context.Context, path string) (time.Duration, error) {
	start := time.Now()
	db, err := sql.Open("duckdb", fmt.Sprintf("%s?threads=%d&memory_limit=%s", path, DefaultThreads, DefaultMemoryLimit))
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM duckdb_tables()").Scan(&n); err != nil {
		return 0, fmt.Errorf("store: baseline open: %w", err)
	}
	return time.Since(start), nil
}

// DuckDBMemory is the memory DuckDB's buffer manager holds (duckdb_memory(): its buffers, temporary data and
// allocator caches), in bytes: what of a process's resident memory is DuckDB's by its own count.
func (s *Store) DuckDBMemory(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT coalesce(sum(memory_usage_bytes), 0)::BIGINT FROM duckdb_memory()`).Scan(&n)
	return n, err
}
