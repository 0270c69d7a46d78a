-- Offers with their places and occupied full-year places per year (capacity lines with an offer id).
SELECT o.year, o.offer_id, o.name, o.location, split_part(coalesce(o.target_groups, ''), ';', 1) AS target_group,
       -- occupancy compares occupied places with the places of the same lines
       coalesce(sum(c.places) FILTER (WHERE c.occupied IS NOT NULL), 0)::BIGINT AS places,
       (sum(c.occupied) * 100)::BIGINT AS occupied_h,
       count(c.occupied) > 0 AS has_occupied,
       (coalesce(o.budgeted_occupancy, 0) * 100)::BIGINT AS budgeted_h,
       coalesce(o.enhanced_cooperation, false) AS enhanced,
       coalesce(o.secure, false) AS secure,
       coalesce(o.national, false) AS national
FROM offers_rows o
JOIN capacity_rows c ON c.offer_id = o.offer_id AND c.year = o.year
    AND CASE WHEN $1 THEN c.draft_visible ELSE c.published_visible END
WHERE CASE WHEN $1 THEN o.draft_visible ELSE o.published_visible END
GROUP BY o.year, o.offer_id, o.name, o.location, o.target_groups, o.budgeted_occupancy, o.enhanced_cooperation,
         o.secure, o.national
ORDER BY o.offer_id, o.year;
