-- What GenieACS has yet to read of a router that only informed (the names of the
-- normalised document's `not_fetched`, comma-separated; NULL when all was read): the
-- device list marks those cells "not fetched" instead of leaving them blank.
ALTER TABLE devices ADD COLUMN not_fetched TEXT;
