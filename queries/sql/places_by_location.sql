-- Places located in each municipality of the region in a year, by category and ownership.
SELECT c.location, c.category, c.ownership, sum(c.places)::BIGINT AS places
FROM capacity_rows c
JOIN municipalities m ON m.code = c.location
WHERE c.year = $1 AND m.region_code = $2
  AND CASE WHEN $3 THEN c.draft_visible ELSE c.published_visible END
GROUP BY ALL
ORDER BY c.location, c.category, c.ownership;
