-- Each blocking key row carries the person's birth year (the middle of the range;
-- 0 when undated or dated more loosely than a decade), after the key, so that where a
-- name is so common that its key holds more persons than are compared, the namesakes
-- born in one decade are read as a range of the same index, without a row more.
-- The table is derived: `derived_version` 4 recomputes it when the store is opened.
DROP TABLE duplicate_blocks;
CREATE TABLE duplicate_blocks (
    key    TEXT NOT NULL,
    born   INTEGER NOT NULL,
    person TEXT NOT NULL,
    PRIMARY KEY (key, born, person)
) WITHOUT ROWID;
CREATE INDEX duplicate_blocks_of ON duplicate_blocks(person);
