-- Every data export that left this store (export::log): who, when, what, under which
-- profile, in which format, how many records, and to which file. Local bookkeeping,
-- never synced, and append-only: rows can be neither changed nor removed.
CREATE TABLE exports (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    at              TEXT NOT NULL,    -- RFC 3339, UTC
    author          TEXT NOT NULL,
    office          TEXT NOT NULL,
    device          TEXT NOT NULL,
    kind            TEXT NOT NULL,    -- person | event | aggregate
    profile         TEXT NOT NULL,    -- named | pseudonymised | aggregate
    format          TEXT NOT NULL,    -- csv | xlsx | hxl
    records         INTEGER NOT NULL, -- records exported, or persons counted
    rows            INTEGER NOT NULL,
    file            TEXT NOT NULL,
    bytes           INTEGER NOT NULL,
    confirmed       TEXT NOT NULL,    -- JSON list of the strictly confidential ids confirmed
    key_fingerprint TEXT,             -- pseudonymised: which key made the pseudonyms
    k               INTEGER,          -- aggregate: the suppression threshold
    level           TEXT,             -- aggregate: place | region | country
    suppressed      INTEGER           -- aggregate: cells suppressed
);

CREATE TRIGGER exports_are_never_changed BEFORE UPDATE ON exports
BEGIN
    SELECT RAISE(ABORT, 'the export log is append-only');
END;

CREATE TRIGGER exports_are_never_removed BEFORE DELETE ON exports
BEGIN
    SELECT RAISE(ABORT, 'the export log is append-only');
END;
