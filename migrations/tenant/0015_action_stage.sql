-- Where a sent action is on its way (queued in GenieACS, downloading, transfer complete,
-- run and awaiting its proof), as the worker last saw it: JSON of `ActionStage`, NULL
-- before it is sent and once it ends.
ALTER TABLE device_actions ADD COLUMN stage_json TEXT;
