-- Publish every year of one batch (the demo data).
INSERT INTO published_years (batch_id, year)
SELECT id, unnest(years) FROM batches WHERE id = $1
ON CONFLICT DO NOTHING;
