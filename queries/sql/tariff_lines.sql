-- Tariffs by year and offer, with the offer's name, location and target groups the same year: what the
-- tariff development (average per target group and place type, offers above the agreed frame) rests on.
-- Only offers located in the region ($1) count: the analysis is the region's.
SELECT t.year, t.offer_id, o.name, o.location, coalesce(o.target_groups, '') AS target_groups, t.tariff_type,
       (t.amount_dkk * 100)::BIGINT AS amount_h
FROM tariffs_rows t
JOIN offers_rows o ON o.offer_id = t.offer_id AND o.year = t.year
    AND CASE WHEN $2 THEN o.draft_visible ELSE o.published_visible END
JOIN municipalities m ON m.code = o.location
WHERE m.region_code = $1 AND CASE WHEN $2 THEN t.draft_visible ELSE t.published_visible END
ORDER BY t.offer_id, t.tariff_type, t.year;
