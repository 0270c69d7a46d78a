SELECT id, status FROM batches WHERE dataset = $1 AND sha256 = $2 ORDER BY id DESC LIMIT 1;
