-- Changes that claim to come from a device this store has no certificate for. They are
-- kept apart from the op log: never applied, never forwarded, never taken as evidence of
-- a fork, and not first come, first served: every copy is kept until the device's
-- certificate arrives and tells which of them (if any) the device really signed.
CREATE TABLE unverified_changes (
    device      BLOB NOT NULL,
    seq         INTEGER NOT NULL,
    hash        BLOB NOT NULL,
    hlc         INTEGER NOT NULL,
    author      TEXT NOT NULL,
    bytes       BLOB NOT NULL,
    -- The bundle that brought it, and the certified device that signed that bundle.
    bundle      TEXT NOT NULL,
    relayed_by  BLOB NOT NULL,
    received_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX unverified_changes_by_origin ON unverified_changes(device, seq, hash);

-- The heads that came with them, unchecked: a walk back from a head starts only once
-- the head's own signature verifies against the device's certificate.
CREATE TABLE unverified_heads (
    device    BLOB NOT NULL,
    seq       INTEGER NOT NULL,
    hash      BLOB NOT NULL,
    signature BLOB NOT NULL,
    bundle    TEXT NOT NULL,
    PRIMARY KEY (device, seq, hash, signature)
) WITHOUT ROWID;

-- Until now such changes sat in the log as held back (state 2) and their heads among
-- the verified ones, where a forged head could vouch for a forged change.
INSERT OR IGNORE INTO unverified_changes
    SELECT c.device, c.seq, c.hash, c.hlc, c.author, c.bytes, coalesce(c.bundle, ''),
           coalesce(b.sender, x''), c.received_at
    FROM changes c LEFT JOIN bundles_imported b ON b.bundle = c.bundle
    WHERE c.state = 2 AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.device = c.device);
DELETE FROM changes
    WHERE state = 2 AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.device = changes.device);
INSERT OR IGNORE INTO unverified_heads
    SELECT h.device, h.seq, h.hash, h.signature, '' FROM chain_heads h
    WHERE NOT EXISTS (SELECT 1 FROM devices d WHERE d.device = h.device);

-- A stored head must name a change this store holds; one that does not vouches for
-- nothing and was only ever forwarded to break other offices' imports. (Heads whose
-- signature does not verify are dropped when the store is first opened after this:
-- `api::Nansen::open`, which can check signatures.)
DELETE FROM chain_heads WHERE NOT EXISTS (
    SELECT 1 FROM changes c
    WHERE c.device = chain_heads.device AND c.seq = chain_heads.seq AND c.hash = chain_heads.hash);
