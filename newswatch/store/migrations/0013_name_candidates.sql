-- Names no model reads and the corpus has not met: capitalised runs waiting for a second article
-- (newswatch/linking/new_names.py). Once confirmed they are entities like any other.
CREATE TABLE name_candidates (
    text          TEXT PRIMARY KEY,
    articles      INTEGER NOT NULL,   -- distinct articles (near-duplicates not counted) that carry it
    first_article INTEGER NOT NULL
);
