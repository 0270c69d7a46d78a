-- The offers of one year ($2) that serve a target group ($3), with their places that year (capacity lines
-- with the offer's id), the most places first.
SELECT o.offer_id, o.name, coalesce(o.location, 0) AS location, coalesce(o.ownership, '') AS ownership,
       coalesce(sum(c.places), 0)::BIGINT AS places
FROM offers_rows o
LEFT JOIN capacity_rows c ON c.offer_id = o.offer_id AND c.year = o.year
    AND CASE WHEN $1 THEN c.draft_visible ELSE c.published_visible END
WHERE CASE WHEN $1 THEN o.draft_visible ELSE o.published_visible END
  AND o.year = $2 AND list_contains(string_split(coalesce(o.target_groups, ''), ';'), $3)
GROUP BY ALL
ORDER BY places DESC, o.name;
