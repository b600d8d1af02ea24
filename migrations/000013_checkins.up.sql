-- One row per ticket that went through a door. The primary key is the guard against two scanners
-- admitting the same ticket at once: the check-in is one INSERT ... ON CONFLICT DO NOTHING, and
-- only the scan whose row was inserted is the first (issue 15).
CREATE TABLE checkins (
    ticket_code    TEXT PRIMARY KEY REFERENCES tickets (code),
    show_id        TEXT NOT NULL,
    gate           TEXT NOT NULL DEFAULT '',
    checked_in_by  TEXT NOT NULL,
    checked_in_at  BIGINT NOT NULL
);
-- The door staff's counts per show and gate.
CREATE INDEX checkins_show_gate ON checkins (show_id, gate);
