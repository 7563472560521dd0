-- Persons whose duplicate candidates are still to be worked out. A spreadsheet intake
-- writes its persons at the speed of the writes alone and leaves them here; their
-- blocks and pairs are computed afterwards, in chunks that other writes can come
-- between (`Nansen::check_duplicates`). A pending person has no blocks and no pairs,
-- so the review queue never shows a pair scored on what it used to say. The table is
-- derived: `rebuild` empties it and computes every person's candidates at once.
CREATE TABLE duplicate_pending (
    person TEXT PRIMARY KEY
) WITHOUT ROWID;

-- How many wait, kept as they come and go: the first screen shows it, and counting a
-- million rows of the table above took most of a second. One row; none means 0.
CREATE TABLE duplicate_pending_total (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    waiting INTEGER NOT NULL
);
