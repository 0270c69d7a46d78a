-- Benchmark baseline: DuckDB's own CSV reader filling a staging table with every column as text.
CREATE OR REPLACE TEMP TABLE bench_staging AS SELECT * FROM read_csv($1, all_varchar = true, header = true);
