-- Each record's folded name words (sorted, one space apart) on every one of its
-- name_words rows, and each person's on their list row, so that a search reads one
-- index range and nothing else (oplog/index.rs):
--
-- - several words: the rarest word's range is read, and each row shows whether the
--   record also has the others; checking them was a page read anywhere in the store
--   for every record of that range;
-- - a word too broad to gather: the person list is walked in order, and its name-order
--   index now covers whether a row is listed and has the words.
CREATE TEMP TABLE record_words (entity TEXT PRIMARY KEY, words TEXT NOT NULL) WITHOUT ROWID;
-- name_words is ordered by (entity, word): each record's words come in order.
INSERT INTO record_words
    SELECT entity, group_concat(word, ' ') FROM name_words GROUP BY entity ORDER BY entity;

ALTER TABLE name_words ADD COLUMN words TEXT NOT NULL DEFAULT '';
UPDATE name_words SET words = (SELECT words FROM record_words r WHERE r.entity = name_words.entity);
DROP INDEX name_words_by_prefix;
CREATE INDEX name_words_by_prefix ON name_words(kind, word, sort_key, entity, shown, words);

ALTER TABLE person_index ADD COLUMN words TEXT NOT NULL DEFAULT '';
UPDATE person_index SET words = coalesce(
    (SELECT words FROM record_words r WHERE r.entity = person_index.person), '');
DROP INDEX person_index_in_order;
CREATE INDEX person_index_in_order ON person_index(sort_key, person, merged_into, deleted, words);

DROP TABLE record_words;
