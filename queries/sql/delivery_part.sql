-- One dataset's part of delivery.sql. Go puts in the dataset's name (its table) and its area: a column name,
-- or $2 for a region-wide dataset.
SELECT '%[1]s' AS dataset, %[2]s::INTEGER AS area, max(batch_id) AS batch_id
FROM %[1]s_rows
WHERE year = $1 AND draft_visible
GROUP BY 1, 2
