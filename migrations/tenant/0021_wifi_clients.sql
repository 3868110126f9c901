-- Connected WiFi clients per band at each reading, charted over time.
ALTER TABLE device_samples ADD COLUMN clients_2g REAL;
ALTER TABLE device_samples ADD COLUMN clients_5g REAL;
