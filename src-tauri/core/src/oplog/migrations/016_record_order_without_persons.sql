-- Persons are listed from person_index and person_places (oplog/index.rs), never from
-- record_index in name order; at headquarters they are most of its rows, and each one
-- written landed in this index at its name, on a page anywhere in it. Lists of the
-- other kinds name the same condition, so that they can use the index.
DROP INDEX record_index_in_order;
CREATE INDEX record_index_in_order ON record_index(kind, sort_key, id) WHERE kind <> 'person';
