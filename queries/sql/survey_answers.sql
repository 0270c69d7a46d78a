-- The survey answers of one year ($2) and target group ($3) in the region ($4), by municipality: the score
-- (NULL for "ved ikke") and the comment.
SELECT s.municipality, s.score, coalesce(s.comment, '') AS comment
FROM survey_rows s
JOIN municipalities m ON m.code = s.municipality
WHERE m.region_code = $4 AND s.year = $2 AND s.target_group = $3
  AND CASE WHEN $1 THEN s.draft_visible ELSE s.published_visible END
ORDER BY s.municipality;
