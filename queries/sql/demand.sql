-- Demand: placed + waiting by year, acting municipality, target group and place type.
SELECT d.year, d.municipality, d.target_group, d.place_type, sum(d.placed + d.waiting)::BIGINT AS demand
FROM demand_rows d
JOIN municipalities m ON m.code = d.municipality
WHERE m.region_code = $1 AND CASE WHEN $2 THEN d.draft_visible ELSE d.published_visible END
GROUP BY ALL;
