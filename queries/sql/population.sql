-- Inhabitants of each municipality of the region ($3) in a year ($2): the rows without an age band, or the
-- sum of the age bands when the municipality has only those.
SELECT p.municipality,
       (CASE WHEN count(*) FILTER (WHERE coalesce(p.age_band, '') = '') > 0
             THEN sum(p.inhabitants) FILTER (WHERE coalesce(p.age_band, '') = '')
             ELSE sum(p.inhabitants) END)::BIGINT AS inhabitants
FROM population_rows p
JOIN municipalities m ON m.code = p.municipality
WHERE m.region_code = $3 AND p.year = $2 AND CASE WHEN $1 THEN p.draft_visible ELSE p.published_visible END
GROUP BY p.municipality;
