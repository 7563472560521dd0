-- What the lists, pages and counts read, derived from the materialised records and kept
-- up to date by the apply function as each change lands (oplog::derive), so that no
-- screen recomputes it from the whole store. `rebuild` recomputes it identically.

-- Every record, in list order: its English label lowercased, then its id.
CREATE TABLE record_index (
    kind     TEXT NOT NULL,
    id       TEXT NOT NULL,
    sort_key TEXT NOT NULL,
    deleted  INTEGER NOT NULL,
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;
CREATE INDEX record_index_in_order ON record_index(kind, sort_key, id);
CREATE INDEX record_index_deleted ON record_index(kind, id) WHERE deleted = 1;

-- How many records of each kind, deleted or not.
CREATE TABLE record_counts (
    kind    TEXT NOT NULL,
    deleted INTEGER NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (kind, deleted)
) WITHOUT ROWID;

-- Each person's current status of each type, derived from their timeline: status
-- records about them or their groups, and events that imply a status.
CREATE TABLE person_status (
    person      TEXT NOT NULL,
    status_type TEXT NOT NULL,
    value       TEXT NOT NULL,
    date        TEXT,
    location    TEXT,
    imminent    INTEGER NOT NULL,
    from_record TEXT NOT NULL,
    explicit    INTEGER NOT NULL,
    via_group   TEXT,
    PRIMARY KEY (person, status_type)
) WITHOUT ROWID;

-- The person list: one row per person, with what it filters on.
CREATE TABLE person_index (
    person     TEXT PRIMARY KEY,
    sort_key   TEXT NOT NULL,
    deleted    INTEGER NOT NULL,
    protection TEXT,
    location   TEXT
) WITHOUT ROWID;
CREATE INDEX person_index_in_order ON person_index(sort_key, person);
CREATE INDEX person_index_by_protection ON person_index(protection, sort_key, person)
    WHERE protection IS NOT NULL;
CREATE INDEX person_index_by_location ON person_index(location) WHERE location IS NOT NULL;

-- Each location and everything above it (itself included), for "in Osh region".
CREATE TABLE location_ancestors (
    location TEXT NOT NULL,
    ancestor TEXT NOT NULL,
    PRIMARY KEY (ancestor, location)
) WITHOUT ROWID;
CREATE INDEX location_ancestors_of ON location_ancestors(location);

-- Live persons by every place that contains their current location, in list order:
-- one index range answers "detained, in Osh region, first page".
CREATE TABLE person_places (
    ancestor   TEXT NOT NULL,
    protection TEXT NOT NULL,
    sort_key   TEXT NOT NULL,
    person     TEXT NOT NULL,
    PRIMARY KEY (ancestor, protection, sort_key, person)
) WITHOUT ROWID;
CREATE INDEX person_places_in_order ON person_places(ancestor, sort_key, person);
CREATE INDEX person_places_of ON person_places(person);

-- Live persons by current protection status and place ('' for all places, '' for no
-- status): the dashboard's counts, read without scanning.
CREATE TABLE person_counts (
    ancestor   TEXT NOT NULL,
    protection TEXT NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (ancestor, protection)
) WITHOUT ROWID;

-- Live members of each group ("12 of 29 identified").
CREATE TABLE group_counts (
    grp        TEXT PRIMARY KEY,
    identified INTEGER NOT NULL
) WITHOUT ROWID;

-- Every folded word of every name and alias, for search by prefix in any script
-- (domain::names): `word >= 'abd' AND word < 'abe'` is one index range, and the index
-- covers what a search needs (whether the record is listed, and where), so a search
-- reads its range sequentially and nothing else.
CREATE TABLE name_words (
    entity   TEXT NOT NULL,
    word     TEXT NOT NULL,
    kind     TEXT NOT NULL,
    -- 1: listed; 2: deleted; 0: listed under another (a person merged into a cluster,
    -- whose representative carries every member's words).
    shown    INTEGER NOT NULL,
    sort_key TEXT NOT NULL,
    PRIMARY KEY (entity, word)
) WITHOUT ROWID;
CREATE INDEX name_words_by_prefix ON name_words(kind, word, sort_key, entity, shown);

-- Fields with more than one live value (concurrent writes), so conflicts are listed
-- and counted without scanning every register.
CREATE TABLE field_conflicts (
    entity TEXT NOT NULL,
    field  TEXT NOT NULL,
    kind   TEXT NOT NULL,
    PRIMARY KEY (entity, field)
) WITHOUT ROWID;
CREATE INDEX field_conflicts_in_order ON field_conflicts(kind, entity, field);

-- Replaced by name_words: whole folded names could only be searched by scanning them.
DROP TABLE name_keys;
