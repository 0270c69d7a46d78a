CREATE OR REPLACE TABLE bench_target AS SELECT * FROM read_csv($1, header = true) LIMIT 0;
