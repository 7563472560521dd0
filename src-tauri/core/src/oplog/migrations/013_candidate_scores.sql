-- Candidate pairs keep their score only: the evidence of a pair is computed again
-- when the pair is shown (a page of the review queue), from the same records, so it
-- is what the stored row would have held. In a store where many persons share a
-- common name, each person had dozens of pairs with about a kilobyte of evidence each.
-- The table is derived: `derived_version` 3 recomputes it when the store is opened.
DROP TABLE duplicate_candidates;
CREATE TABLE duplicate_candidates (
    a     TEXT NOT NULL,
    b     TEXT NOT NULL,
    score REAL NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE INDEX duplicate_candidates_of ON duplicate_candidates(b);
CREATE INDEX duplicate_candidates_by_score ON duplicate_candidates(score, a, b);

-- How many candidate pairs reach the review queue's default threshold, kept as pairs
-- come and go, so that the first screen and an import's report do not count them (in a
-- store where many share a name, millions). One row; none means 0.
CREATE TABLE duplicate_totals (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    shown INTEGER NOT NULL
);
