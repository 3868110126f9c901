-- What GenieACS has yet to read of a router that only informed (the names of the
-- normalised document's `not_fetched`, comma-separated; NULL when all was read): the
-- device list marks those cells "not fetched" instead of leaving them blank. Routers
-- synced before take it from their kept document.
ALTER TABLE devices ADD COLUMN not_fetched TEXT;
UPDATE devices SET not_fetched = (
    SELECT group_concat(j.value, ',')
    FROM device_documents dd, json_each(dd.normalized, '$.not_fetched') j
    WHERE dd.device_id = devices.id
);
