-- Duplicates: persons judged the same, and pairs that may be. Both derived from the
-- records (oplog::derive::clusters and ::candidates) and recomputed by `rebuild`.

-- Persons judged the same (connected by `same` judgements no `not_same` contradicts)
-- form a cluster, shown as one person under its smallest id. Only clusters of two or
-- more are listed; a person not here is alone.
CREATE TABLE cluster_members (
    cluster TEXT NOT NULL,
    person  TEXT NOT NULL,
    PRIMARY KEY (cluster, person)
) WITHOUT ROWID;
CREATE UNIQUE INDEX cluster_members_of ON cluster_members(person);

-- Every pair (a < b) with a judgement present, and its verdicts ("not_same,same" for a
-- disputed pair), so the review queue reads decisions without scanning links.
CREATE TABLE judged_pairs (
    a        TEXT NOT NULL,
    b        TEXT NOT NULL,
    verdicts TEXT NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE INDEX judged_pairs_of ON judged_pairs(b);

-- A merged-away person is listed under its cluster's representative.
ALTER TABLE person_index ADD COLUMN merged_into TEXT;

-- The blocking keys of each live person (domain::matching): persons sharing a key are
-- compared; persons sharing none never are.
CREATE TABLE duplicate_blocks (
    key    TEXT NOT NULL,
    person TEXT NOT NULL,
    PRIMARY KEY (key, person)
) WITHOUT ROWID;
CREATE INDEX duplicate_blocks_of ON duplicate_blocks(person);

-- Pairs (a < b) whose score reached the candidate threshold, with the evidence.
CREATE TABLE duplicate_candidates (
    a        TEXT NOT NULL,
    b        TEXT NOT NULL,
    score    REAL NOT NULL,
    evidence TEXT NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE INDEX duplicate_candidates_of ON duplicate_candidates(b);
CREATE INDEX duplicate_candidates_by_score ON duplicate_candidates(score, a, b);
