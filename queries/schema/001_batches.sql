-- Batches: one per ingested file. Rows of every dataset table carry their batch id; a row replaced by a
-- later batch keeps its data and gets replaced_by, so a batch can be restored.
CREATE TABLE IF NOT EXISTS batches (
    id          BIGINT PRIMARY KEY,        -- max + 1 under the store's write lock (a sequence would skip ids on
                                           -- the rolled-back transactions of dry runs)
    dataset     VARCHAR NOT NULL,
    file_name   VARCHAR NOT NULL,
    sha256      VARCHAR NOT NULL,
    row_count   INTEGER NOT NULL,
    key_values  VARCHAR NOT NULL,          -- the replacement key values the batch covers, for people
    years       INTEGER[] NOT NULL,        -- years of its rows
    loaded_by   VARCHAR NOT NULL,
    loaded_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    status      VARCHAR NOT NULL DEFAULT 'active', -- active, partly_superseded, superseded
    demo        BOOLEAN NOT NULL DEFAULT false     -- the illustrative demo data set
);
CREATE TABLE IF NOT EXISTS meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
