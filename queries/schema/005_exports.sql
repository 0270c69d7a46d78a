-- Every export (extract) made: who, what, with which filters, how many rows. Read by the audit log.
CREATE SEQUENCE IF NOT EXISTS export_ids;
CREATE TABLE IF NOT EXISTS export_log (
    id       BIGINT PRIMARY KEY DEFAULT nextval('export_ids'),
    made_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    who      VARCHAR NOT NULL,      -- a token's name, "public", or "cli"
    role     VARCHAR NOT NULL,
    dataset  VARCHAR NOT NULL,
    format   VARCHAR NOT NULL,
    filters  VARCHAR NOT NULL,      -- the query string of the request, or the CLI's filters
    row_count BIGINT NOT NULL,
    error    VARCHAR                -- what went wrong, when it did
);
