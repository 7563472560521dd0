-- The materialised record tables: one row per record, one column per field, holding the
-- field's shown value. Written only by the op-log apply function (oplog::apply); every
-- value here can be recomputed from the log with `nansen rebuild`.
-- Names and coordinates hold canonical JSON; dates hold EDTF text; references hold ids.
CREATE TABLE person (
    id TEXT PRIMARY KEY,
    name TEXT,
    sex TEXT,
    birth_date TEXT,
    nationality TEXT,
    origin TEXT,
    notes TEXT,
    confidentiality TEXT,
    sample INTEGER,
    deleted INTEGER
) WITHOUT ROWID;

CREATE TABLE grp (
    id TEXT PRIMARY KEY,
    name TEXT,
    asserted_count INTEGER,
    location TEXT,
    description TEXT,
    confidentiality TEXT,
    sample INTEGER,
    deleted INTEGER
) WITHOUT ROWID;

CREATE TABLE location (
    id TEXT PRIMARY KEY,
    name TEXT,
    type TEXT,
    parent TEXT,
    coordinates TEXT,
    notes TEXT,
    sample INTEGER,
    deleted INTEGER
) WITHOUT ROWID;

CREATE TABLE actor (
    id TEXT PRIMARY KEY,
    name TEXT,
    type TEXT,
    country TEXT,
    notes TEXT,
    sample INTEGER,
    deleted INTEGER
) WITHOUT ROWID;

CREATE TABLE event (
    id TEXT PRIMARY KEY,
    type TEXT,
    title TEXT,
    date TEXT,
    end_date TEXT,
    location TEXT,
    description TEXT,
    confidentiality TEXT,
    sample INTEGER,
    deleted INTEGER
) WITHOUT ROWID;

CREATE TABLE status (
    id TEXT PRIMARY KEY,
    person TEXT,
    "group" TEXT,
    type TEXT,
    value TEXT,
    effective TEXT,
    location TEXT,
    imminent INTEGER,
    event TEXT,
    notes TEXT,
    sample INTEGER,
    deleted INTEGER
) WITHOUT ROWID;
CREATE INDEX status_person ON status(person) WHERE person IS NOT NULL;
CREATE INDEX status_group ON status("group") WHERE "group" IS NOT NULL;

CREATE TABLE source (
    id TEXT PRIMARY KEY,
    type TEXT,
    title TEXT,
    reliability TEXT,
    date TEXT,
    reported_by TEXT,
    informant TEXT,
    reference TEXT,
    consent INTEGER,
    content TEXT,
    confidentiality TEXT,
    sample INTEGER,
    deleted INTEGER
) WITHOUT ROWID;

CREATE TABLE intervention (
    id TEXT PRIMARY KEY,
    type TEXT,
    title TEXT,
    "by" TEXT,
    target TEXT,
    date TEXT,
    due TEXT,
    status TEXT,
    response TEXT,
    notes TEXT,
    sample INTEGER,
    deleted INTEGER
) WITHOUT ROWID;

CREATE TABLE attachment (
    id TEXT PRIMARY KEY,
    hash TEXT,
    filename TEXT,
    mime TEXT,
    size INTEGER,
    caption TEXT,
    captured TEXT,
    confidentiality TEXT,
    sample INTEGER,
    deleted INTEGER
) WITHOUT ROWID;
