-- This store's own settings: device id, office, user, clock.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Key material (device keys, organisation keys, the attachment key). It exists only
-- inside the encrypted store.
CREATE TABLE secrets (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;

-- The op log. One row per change (one user action, a batch of ops), keyed by its origin
-- device and that device's contiguous sequence number, holding the exact bytes that were
-- hashed into the device's chain. These bytes are never re-serialised.
CREATE TABLE changes (
    device        BLOB NOT NULL,
    seq           INTEGER NOT NULL,
    hash          BLOB NOT NULL,
    prev          BLOB NOT NULL,
    hlc           INTEGER NOT NULL,
    author        TEXT NOT NULL,
    bytes         BLOB NOT NULL,
    -- 0: waits for its causal predecessors; 1: applied; 2: held back (untrusted origin).
    state         INTEGER NOT NULL,
    -- The position in this store's apply order, which `rebuild` replays.
    applied_order INTEGER,
    -- Unix milliseconds when this store got the change, and the bundle it came in.
    received_at   INTEGER NOT NULL,
    bundle        TEXT,
    PRIMARY KEY (device, seq)
) WITHOUT ROWID;
CREATE UNIQUE INDEX changes_by_applied_order ON changes(applied_order) WHERE applied_order IS NOT NULL;
CREATE INDEX changes_waiting ON changes(state) WHERE state <> 1;

-- The version vector: per origin device, the highest contiguously applied sequence
-- number and the hash of that change (the head of the device's chain here).
CREATE TABLE origins (
    device      BLOB PRIMARY KEY,
    applied_seq INTEGER NOT NULL,
    head        BLOB NOT NULL
) WITHOUT ROWID;

-- Which changes touched which record, for the per-record audit view.
CREATE TABLE change_entities (
    entity TEXT NOT NULL,
    device BLOB NOT NULL,
    seq    INTEGER NOT NULL,
    PRIMARY KEY (entity, device, seq)
) WITHOUT ROWID;

-- Multi-value registers: the live values of each field. A write removes only the values
-- its author had seen; more than one live value is a conflict.
CREATE TABLE field_state (
    entity TEXT NOT NULL,
    field  TEXT NOT NULL,
    device BLOB NOT NULL,
    seq    INTEGER NOT NULL,
    idx    INTEGER NOT NULL,
    kind   TEXT NOT NULL,
    hlc    INTEGER NOT NULL,
    value  TEXT NOT NULL,
    PRIMARY KEY (entity, field, device, seq, idx)
) WITHOUT ROWID;

-- Add-wins observed-remove sets: one row per live add-tag of an element. An element is
-- present while it has a tag; a remove deletes only the tags its author had seen.
CREATE TABLE link_state (
    owner    TEXT NOT NULL,
    link     TEXT NOT NULL,
    elem_key BLOB NOT NULL,
    device   BLOB NOT NULL,
    seq      INTEGER NOT NULL,
    idx      INTEGER NOT NULL,
    kind     TEXT NOT NULL,
    elem     TEXT NOT NULL,
    target   TEXT,
    PRIMARY KEY (owner, link, elem_key, device, seq, idx)
) WITHOUT ROWID;
CREATE INDEX link_state_by_target ON link_state(target, link) WHERE target IS NOT NULL;

-- Folded search keys of every name and alias (domain::names).
CREATE TABLE name_keys (
    entity TEXT NOT NULL,
    kind   TEXT NOT NULL,
    key    TEXT NOT NULL,
    PRIMARY KEY (entity, key)
) WITHOUT ROWID;
