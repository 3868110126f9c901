-- What the device document said of the action's kind of task before it was first sent
-- (GenieACS's own Reboot/FactoryReset/Download records): after an unclear send, a change
-- proves the task ran, so it is never sent twice. `ran_ms` is when the task left
-- GenieACS's queue (ran at once, or when the device came back), from which the time to
-- prove it is counted.
ALTER TABLE device_actions ADD COLUMN evidence_json TEXT;
ALTER TABLE device_actions ADD COLUMN ran_ms INTEGER;
-- Actions, device pages and alerts find a device by its GenieACS id alone; the unique
-- key (acs_id, genie_id) cannot serve that.
CREATE INDEX devices_genie_id ON devices(genie_id);
