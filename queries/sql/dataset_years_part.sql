-- One dataset's rows by year, as the reader may see them (%[1]s: the dataset; $1: the draft view).
SELECT '%[1]s' AS dataset, year, count(*) AS n FROM %[1]s_rows
WHERE CASE WHEN $1 THEN draft_visible ELSE published_visible END
GROUP BY year
