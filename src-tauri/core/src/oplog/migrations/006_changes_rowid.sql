-- The op log as an ordinary rowid table, keyed by a unique (device, seq) index.
-- In the WITHOUT ROWID table of migration 1 a change of more than about 1 KB (a
-- person with a few aliases) spilled into an overflow page of its own, so most of the
-- log's pages were nearly empty: the store was twice the size it needed to be, and
-- every page costs SQLCipher an encryption and an HMAC.
CREATE TABLE changes_by_rowid (
    device        BLOB NOT NULL,
    seq           INTEGER NOT NULL,
    hash          BLOB NOT NULL,
    prev          BLOB NOT NULL,
    hlc           INTEGER NOT NULL,
    author        TEXT NOT NULL,
    bytes         BLOB NOT NULL,
    state         INTEGER NOT NULL,
    applied_order INTEGER,
    received_at   INTEGER NOT NULL,
    bundle        TEXT
);
INSERT INTO changes_by_rowid
    SELECT device, seq, hash, prev, hlc, author, bytes, state, applied_order, received_at, bundle
    FROM changes ORDER BY device, seq;
DROP TABLE changes;
ALTER TABLE changes_by_rowid RENAME TO changes;
CREATE UNIQUE INDEX changes_by_origin ON changes(device, seq);
CREATE UNIQUE INDEX changes_by_applied_order ON changes(applied_order) WHERE applied_order IS NOT NULL;
CREATE INDEX changes_waiting ON changes(state) WHERE state <> 1;
