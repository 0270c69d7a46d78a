-- Publish every batch that holds rows of a year (until editions exist, publishing is a flag on batches).
UPDATE batches SET published = true WHERE NOT published AND list_contains(years, $1);
