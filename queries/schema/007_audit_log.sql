-- The audit log: who did what when ("at" quoted: a keyword of DuckDB). Each entry of an action that writes (an ingest, a publish, a restore of a
-- batch, a token made or revoked, DAS's assessment saved) is written in the action's own transaction, so the
-- two commit (or roll back) together; sign-ins and sign-outs are entries of their own. Never changed.
CREATE SEQUENCE IF NOT EXISTS audit_ids;
CREATE TABLE IF NOT EXISTS audit_log (
    id      BIGINT NOT NULL DEFAULT nextval('audit_ids'),
    "at"    TIMESTAMPTZ NOT NULL DEFAULT now(),
    who     VARCHAR NOT NULL,   -- a token's name, "cli:USER" for the CLI on the server's machine, "" when unknown (a failed sign-in)
    action  VARCHAR NOT NULL,   -- ingest, publish, restore, token_create, token_revoke, signin, signin_failed, signout, assessment, comment_approve (008)
    details VARCHAR NOT NULL    -- a JSON object: dataset, batch, rows, year, edition, token, client (the address), ...
);
