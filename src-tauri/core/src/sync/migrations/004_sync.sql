-- Signed chain heads: an origin device's Ed25519 signature over (device, seq, hash) of
-- one of its changes. The hash chain makes one signature vouch for every earlier change
-- of that device; relays forward the head that ends the range they send.
CREATE TABLE chain_heads (
    device    BLOB NOT NULL,
    seq       INTEGER NOT NULL,
    hash      BLOB NOT NULL,
    signature BLOB NOT NULL,
    PRIMARY KEY (device, seq)
) WITHOUT ROWID;

-- Peer devices and what they have acknowledged: the version vector of the last bundle
-- they sent here. Export sends them everything above it, again and again until they
-- acknowledge it, because USB sticks get lost.
CREATE TABLE peers (
    device                BLOB PRIMARY KEY,
    office                TEXT NOT NULL,
    acked                 TEXT NOT NULL DEFAULT '{}',
    last_received_bundle  TEXT,
    last_received_at      INTEGER,
    last_received_changes INTEGER,
    last_sent_bundle      TEXT,
    last_sent_at          INTEGER,
    last_sent_changes     INTEGER
) WITHOUT ROWID;

-- Every bundle imported here; importing one again is recognised and changes nothing.
CREATE TABLE bundles_imported (
    bundle        TEXT PRIMARY KEY,
    sender        BLOB NOT NULL,
    office        TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    imported_at   INTEGER NOT NULL,
    changes_total INTEGER NOT NULL,
    changes_new   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE bundles_exported (
    bundle     TEXT PRIMARY KEY,
    recipients TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    changes    INTEGER NOT NULL,
    full       INTEGER NOT NULL
) WITHOUT ROWID;

-- Forks: the same (device, seq) seen with different content, e.g. from a device restored
-- from a backup. The evidence is kept for review; the second content is never applied.
CREATE TABLE forks (
    device      BLOB NOT NULL,
    seq         INTEGER NOT NULL,
    known_hash  BLOB NOT NULL,
    other_hash  BLOB NOT NULL,
    other_bytes BLOB,
    bundle      TEXT,
    detected_at INTEGER NOT NULL,
    PRIMARY KEY (device, seq, other_hash)
) WITHOUT ROWID;
