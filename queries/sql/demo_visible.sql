-- Whether any batch the reader sees is demo data.
SELECT count(*) > 0 FROM batches WHERE demo AND status <> 'superseded' AND CASE WHEN $1 THEN true ELSE published END;
