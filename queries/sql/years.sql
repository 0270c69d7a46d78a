-- Years with capacity or demand rows.
SELECT DISTINCT year FROM (
    SELECT year FROM capacity_rows WHERE CASE WHEN $1 THEN draft_visible ELSE published_visible END
    UNION ALL
    SELECT year FROM demand_rows WHERE CASE WHEN $1 THEN draft_visible ELSE published_visible END
)
ORDER BY year;
