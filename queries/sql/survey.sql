-- Survey answers by year, municipality and target group: low = scored 1-2, scored = gave a score.
SELECT s.year, s.municipality, s.target_group,
       count(*) FILTER (WHERE s.score BETWEEN 1 AND 2)::BIGINT AS low,
       count(s.score)::BIGINT AS scored
FROM survey_rows s
JOIN municipalities m ON m.code = s.municipality
WHERE m.region_code = $1 AND CASE WHEN $2 THEN s.draft_visible ELSE s.published_visible END
GROUP BY ALL;
