-- At most one active (open or acknowledged) alert per problem: two evaluations running at
-- once (the desktop and `acsdesk watch`) cannot open the same alert twice. Duplicates an
-- older version may have left are resolved first, keeping the oldest.
UPDATE alerts
   SET state = 'resolved', resolved_ms = last_seen_ms
 WHERE state <> 'resolved'
   AND id NOT IN (SELECT MIN(id) FROM alerts WHERE state <> 'resolved'
                  GROUP BY kind, subject_type, subject_id);
CREATE UNIQUE INDEX alerts_one_active ON alerts(kind, subject_type, subject_id)
    WHERE state <> 'resolved';
