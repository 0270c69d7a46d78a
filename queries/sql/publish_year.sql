-- Publish a year: every batch that holds rows of it becomes visible to viewers for that year.
INSERT INTO published_years (batch_id, year)
SELECT id, $1 FROM batches WHERE list_contains(years, $1)
ON CONFLICT DO NOTHING;
