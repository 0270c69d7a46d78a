-- Purchases by year, buyer, the location of the offer bought (0 when the offer is not among the year's
-- offers), target group and place type, in hundredths of full-year places: what self-sufficiency and the flows
-- between municipalities rest on. Rows without a target group or place type count under ''.
SELECT p.year, p.buyer, coalesce(o.location, 0) AS location, coalesce(p.target_group, '') AS target_group,
       coalesce(p.place_type, '') AS place_type, sum(p.places * 100)::BIGINT AS places_h
FROM purchases_rows p
LEFT JOIN offers_rows o ON o.offer_id = p.offer_id AND o.year = p.year
    AND CASE WHEN $1 THEN o.draft_visible ELSE o.published_visible END
WHERE CASE WHEN $1 THEN p.draft_visible ELSE p.published_visible END
GROUP BY ALL;
