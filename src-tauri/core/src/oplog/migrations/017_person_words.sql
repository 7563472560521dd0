-- Each record's folded name words (sorted, one space apart) on every one of its
-- name_words rows, and each person's on their list row, so that a search reads one
-- index range and nothing else (oplog/index.rs):
--
-- - several words: the rarest word's range is read, and each row shows whether the
--   record also has the others; checking them was a page read anywhere in the store
--   for every record of that range;
-- - a word too broad to gather, or a name too common to check each match's status: the
--   person list is walked in order, and its name-order indexes (of all, and by status)
--   now cover whether a row is listed and has the words.
--
-- Both tables are written anew in key order: rewriting their rows in place, each one
-- longer, split most pages (100 s at a million persons).
CREATE TEMP TABLE record_words (entity TEXT PRIMARY KEY, words TEXT NOT NULL) WITHOUT ROWID;
-- name_words is ordered by (entity, word): each record's words come in order.
INSERT INTO record_words
    SELECT entity, group_concat(word, ' ') FROM name_words GROUP BY entity ORDER BY entity;

CREATE TABLE name_words_17 (
    entity   TEXT NOT NULL,
    word     TEXT NOT NULL,
    kind     TEXT NOT NULL,
    -- 1: listed; 2: deleted; 0: listed under another (a person merged into a cluster,
    -- whose representative carries every member's words).
    shown    INTEGER NOT NULL,
    sort_key TEXT NOT NULL,
    -- All the record's words, this one included.
    words    TEXT NOT NULL,
    PRIMARY KEY (entity, word)
) WITHOUT ROWID;
INSERT INTO name_words_17 (entity, word, kind, shown, sort_key, words)
    SELECT n.entity, n.word, n.kind, n.shown, n.sort_key, r.words
    FROM name_words n JOIN record_words r ON r.entity = n.entity ORDER BY n.entity, n.word;
DROP TABLE name_words;
ALTER TABLE name_words_17 RENAME TO name_words;
CREATE INDEX name_words_by_prefix ON name_words(kind, word, sort_key, entity, shown, words);

CREATE TABLE person_index_17 (
    person      TEXT PRIMARY KEY,
    sort_key    TEXT NOT NULL,
    deleted     INTEGER NOT NULL,
    protection  TEXT,
    location    TEXT,
    merged_into TEXT,
    -- The person's name words, as in name_words ('' for none).
    words       TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO person_index_17 (person, sort_key, deleted, protection, location, merged_into, words)
    SELECT p.person, p.sort_key, p.deleted, p.protection, p.location, p.merged_into,
        coalesce(r.words, '')
    FROM person_index p LEFT JOIN record_words r ON r.entity = p.person ORDER BY p.person;
DROP TABLE person_index;
ALTER TABLE person_index_17 RENAME TO person_index;
CREATE INDEX person_index_in_order ON person_index(sort_key, person, merged_into, deleted, words);
CREATE INDEX person_index_by_protection
    ON person_index(protection, sort_key, person, merged_into, deleted, words)
    WHERE protection IS NOT NULL;
CREATE INDEX person_index_by_location ON person_index(location) WHERE location IS NOT NULL;

DROP TABLE record_words;
