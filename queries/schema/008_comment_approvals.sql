-- Approvals of survey comments (free text): a comment is shown to viewers only once an admin has approved it
-- (/admin); analysts and admins see every comment. An approval is of one text of one answer (year,
-- municipality, target group): a new delivery with another text needs a new approval. Never changed.
CREATE TABLE IF NOT EXISTS comment_approvals (
    year         INTEGER NOT NULL,
    municipality INTEGER NOT NULL,
    target_group VARCHAR NOT NULL,
    comment      VARCHAR NOT NULL,
    approved_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    approved_by  VARCHAR NOT NULL,
    PRIMARY KEY (year, municipality, target_group, comment)
);
