-- The survey answers of one year ($2) and target group ($3) in the region ($4), by municipality: the score
-- (NULL for "ved ikke"), the comment and whether an admin has approved it (comment_approvals).
SELECT s.municipality, s.score, coalesce(s.comment, '') AS comment,
       EXISTS (SELECT 1 FROM comment_approvals a WHERE a.year = s.year AND a.municipality = s.municipality
               AND a.target_group = s.target_group AND a.comment = s.comment) AS approved
FROM survey_rows s
JOIN municipalities m ON m.code = s.municipality
WHERE m.region_code = $4 AND s.year = $2 AND s.target_group = $3
  AND CASE WHEN $1 THEN s.draft_visible ELSE s.published_visible END
ORDER BY s.municipality;
