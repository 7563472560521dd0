-- Each person's folded name words (as on their person_index row) on their rows of
-- person_places too, so that a search within a place walks that place's persons in
-- name order from one index and reads nothing else (oplog/index.rs), as migration 17
-- made the whole list's name order do. Checking each row walked for the words in
-- name_words was a page read anywhere in the store.
--
-- The table is written anew in key order, as migration 17 wrote its tables. Its rows
-- are read person after person, so that each person's words are read in the order of
-- person_index's own key, page after page, not looked up anywhere in it for each row
-- (every person_places row has its person_index row: write_person writes both).
CREATE TABLE person_places_18 (
    ancestor   TEXT NOT NULL,
    protection TEXT NOT NULL,
    sort_key   TEXT NOT NULL,
    person     TEXT NOT NULL,
    words      TEXT NOT NULL,
    PRIMARY KEY (ancestor, protection, sort_key, person)
) WITHOUT ROWID;
INSERT INTO person_places_18 (ancestor, protection, sort_key, person, words)
    SELECT x.ancestor, x.protection, x.sort_key, x.person, p.words
    FROM person_places x INDEXED BY person_places_of CROSS JOIN person_index p
    WHERE p.person = x.person
    ORDER BY x.ancestor, x.protection, x.sort_key, x.person;
DROP TABLE person_places;
ALTER TABLE person_places_18 RENAME TO person_places;
CREATE INDEX person_places_in_order ON person_places(ancestor, sort_key, person, words);
CREATE INDEX person_places_of ON person_places(person);
