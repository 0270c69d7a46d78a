INSERT INTO bench_target SELECT * FROM read_csv($1, header = true);
