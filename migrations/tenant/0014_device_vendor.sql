-- The vendor as AcsDesk names it (MikroTik, TP-Link, Huawei, ZTE; else the router's own
-- manufacturer string), next to the raw manufacturer: filters and facets use it. Rows
-- synced before are filled in when the tenant opens.
ALTER TABLE devices ADD COLUMN vendor TEXT;
CREATE INDEX devices_vendor ON devices(vendor COLLATE NOCASE, serial);
