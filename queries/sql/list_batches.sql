SELECT b.id, b.dataset, b.file_name, b.sha256, b.row_count, b.key_values, b.loaded_by, b.loaded_at, b.status,
       EXISTS (SELECT 1 FROM published_years p WHERE p.batch_id = b.id) AS published, b.demo
FROM batches b ORDER BY b.id;
