SELECT b.id, b.dataset, b.file_name, b.sha256, b.row_count, b.key_values, b.loaded_by, b.loaded_at, b.status,
       EXISTS (SELECT 1 FROM editions e WHERE b.id <= e.as_of_batch AND list_contains(b.years, e.year)) AS published, b.demo
FROM batches b ORDER BY b.id;
