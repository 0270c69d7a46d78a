-- A token may expire (`kapacitet token create --expires 90d`): from expires_at on it is refused like an unknown
-- or revoked one. NULL: it never expires. Tokens made before this column never expire.
ALTER TABLE tokens ADD COLUMN IF NOT EXISTS expires_at TIMESTAMPTZ;
