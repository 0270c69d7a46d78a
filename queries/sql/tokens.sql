-- Every token by name (never the token: only its hash is stored, and not read here).
SELECT name, role, created_at, created_by, revoked_at, expires_at FROM tokens ORDER BY name;
