-- DAS's own assessment of a year: Markdown written by an admin, the current text until it is published; each
-- edition keeps the text it was published with, so the report of an edition never changes afterwards.
CREATE TABLE IF NOT EXISTS assessments (
    year       INTEGER PRIMARY KEY,
    text       VARCHAR NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_by VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS edition_assessments (
    edition_id INTEGER PRIMARY KEY,
    text       VARCHAR NOT NULL
);
