-- The survey comments no admin has approved yet: of the current rows and of the latest editions' rows (what
-- analysts and viewers can be shown), by year (newest first), municipality and target group.
SELECT DISTINCT s.year, s.municipality, s.target_group, s.comment
FROM survey_rows s
WHERE (s.draft_visible OR s.published_visible) AND coalesce(s.comment, '') <> ''
  AND NOT EXISTS (SELECT 1 FROM comment_approvals a WHERE a.year = s.year AND a.municipality = s.municipality
                  AND a.target_group = s.target_group AND a.comment = s.comment)
ORDER BY s.year DESC, s.municipality, s.target_group, s.comment;
