-- A Parquet file's columns as text, in file order, for ingest's readers.
SELECT CAST(COLUMNS(*) AS VARCHAR) FROM read_parquet($1);
