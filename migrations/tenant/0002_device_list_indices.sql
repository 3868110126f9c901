-- The device list's common sorts within the online/offline filter.
CREATE INDEX devices_online_last_inform ON devices(online, last_inform_ms);
CREATE INDEX devices_online_model ON devices(online, model);
