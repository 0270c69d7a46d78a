-- Editions: what viewers see. `publish YEAR` freezes the year's rows as they are (by batch: the rows of the
-- year current when it was published are those of batches up to as_of_batch not replaced by one of them, and
-- rows are never changed but for replaced_by, set once to a later batch) and stores the findings a viewer
-- gets, disclosure control applied, with the correction log against the year's previous edition. An edition
-- is never changed; a correction is a new edition.
CREATE TABLE IF NOT EXISTS editions (
    id           BIGINT PRIMARY KEY,        -- max + 1 under the store's write lock
    year         INTEGER NOT NULL,
    number       INTEGER NOT NULL,          -- 1, 2, ... within the year ("Udgave 2")
    as_of_batch  BIGINT NOT NULL,
    published_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    published_by VARCHAR NOT NULL,
    UNIQUE (year, number)
);
-- per edition and language: the year's findings and the correction log, as the JSON the API writes
CREATE TABLE IF NOT EXISTS edition_texts (
    edition_id  BIGINT NOT NULL,
    lang        VARCHAR NOT NULL,
    findings    VARCHAR NOT NULL,
    corrections VARCHAR NOT NULL,
    PRIMARY KEY (edition_id, lang)
);
CREATE OR REPLACE VIEW latest_editions AS
SELECT year, max(id) AS id, arg_max(as_of_batch, id) AS as_of_batch FROM editions GROUP BY year;
-- publishing per batch and year came before editions; a database from then publishes its years again
DROP TABLE IF EXISTS published_years;
