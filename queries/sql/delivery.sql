-- Delivery of year $1: per dataset and area the latest batch that holds current (draft-visible) rows, and
-- when it was loaded. The area is the dataset's municipality column, or the region $2 for a dataset
-- without one. Go puts in the datasets' parts (delivery_part.sql) joined by UNION ALL.
SELECT p.dataset, p.area, p.batch_id, b.loaded_at
FROM (
%s
) p
JOIN batches b ON b.id = p.batch_id
