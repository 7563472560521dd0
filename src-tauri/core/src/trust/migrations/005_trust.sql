-- Devices enrolled by the organisation. A row exists only for a certificate whose
-- organisation signature has been verified against this store's trust root.
-- Changes from a device with no row here, or beyond `revoked_through`, are held back.
CREATE TABLE devices (
    device          BLOB PRIMARY KEY,
    office          TEXT NOT NULL,
    role            TEXT NOT NULL,
    sign_key        BLOB NOT NULL,
    age_recipient   TEXT NOT NULL,
    cert            TEXT NOT NULL,
    cert_signature  BLOB NOT NULL,
    issued_at       TEXT NOT NULL,
    -- NULL while trusted. Once revoked: the last sequence number still accepted.
    revoked_through INTEGER,
    revocation      TEXT,
    revocation_signature BLOB,
    revoked_reason  TEXT,
    revoked_at      TEXT
) WITHOUT ROWID;
