-- Years with capacity or demand rows, and which of the two each has.
SELECT year, bool_or(src = 'capacity') AS has_supply, bool_or(src = 'demand') AS has_demand FROM (
    SELECT year, 'capacity' AS src FROM capacity_rows WHERE CASE WHEN $1 THEN draft_visible ELSE published_visible END
    UNION ALL
    SELECT year, 'demand' AS src FROM demand_rows WHERE CASE WHEN $1 THEN draft_visible ELSE published_visible END
)
GROUP BY year
ORDER BY year;
