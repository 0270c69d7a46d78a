-- Capacity lines of the region's municipalities by year: what a capacity change compares from one year to the
-- next (a line is an offer, or a location, ownership and agreement without one, per place type and target group).
SELECT c.year, c.location, c.category, c.target_group, c.place_type, coalesce(c.offer_id, '') AS offer_id,
       coalesce(any_value(o.name), '') AS offer_name, c.ownership, coalesce(c.agreement, false) AS agreement,
       sum(c.places)::BIGINT AS places
FROM capacity_rows c
JOIN municipalities m ON m.code = c.location
LEFT JOIN offers_rows o ON o.offer_id = c.offer_id AND o.year = c.year
    AND CASE WHEN $2 THEN o.draft_visible ELSE o.published_visible END
WHERE m.region_code = $1 AND CASE WHEN $2 THEN c.draft_visible ELSE c.published_visible END
GROUP BY c.year, c.location, c.category, c.target_group, c.place_type, c.offer_id, c.ownership, c.agreement;
