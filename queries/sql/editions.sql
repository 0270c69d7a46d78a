-- Every edition, the newest first.
SELECT id, year, number, as_of_batch, published_at, published_by FROM editions ORDER BY id DESC;
