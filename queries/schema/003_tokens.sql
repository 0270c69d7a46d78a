-- API tokens: only the SHA-256 of each token is stored (a token is 32 random bytes, so a plain hash is as
-- good as a slow one), with its role. A revoked token stays listed, so its name is not reused.
CREATE TABLE IF NOT EXISTS tokens (
    name       VARCHAR PRIMARY KEY,
    role       VARCHAR NOT NULL,             -- viewer, analyst, admin
    hash       VARCHAR NOT NULL UNIQUE,      -- hex SHA-256 of the token
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_by VARCHAR NOT NULL,
    revoked_at TIMESTAMPTZ
);
