-- A bulk ping's summary reads the diagnostics its actions left (thousands at once).
CREATE INDEX diagnostics_action ON diagnostics(action_id);
