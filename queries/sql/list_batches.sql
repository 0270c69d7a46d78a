SELECT id, dataset, file_name, sha256, row_count, key_values, loaded_by, loaded_at, status, published, demo
FROM batches ORDER BY id;
