-- A token sent in a header of its own (e.g. X-Api-Key, as a reverse proxy before GenieACS
-- may want) instead of `Authorization: Bearer`: the connection's auth_kind stays 'token'
-- and this names the header. NULL: a bearer token (or no token at all).
ALTER TABLE acs_connections ADD COLUMN auth_header TEXT;
