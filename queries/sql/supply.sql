-- Supply: places by year, location municipality, target group and place type (municipalities of the region).
SELECT c.year, c.location, c.target_group, c.place_type, sum(c.places)::BIGINT AS places
FROM capacity_rows c
JOIN municipalities m ON m.code = c.location
WHERE m.region_code = $1 AND CASE WHEN $2 THEN c.draft_visible ELSE c.published_visible END
GROUP BY ALL;
