-- Near-duplicate candidates: each linked article's 32 LSH band keys in one row, appended in the
-- order articles are linked; the index over them is held in memory (linking.duplicates.BandIndex).
-- The table keyed by band that this replaces took 32 random B-tree inserts per article: more than
-- half of the pages an ingest wrote at 100,000 articles.
CREATE TABLE article_bands (
    seq        INTEGER PRIMARY KEY,  -- grows with every row: a process catches up on rows past its last
    article_id INTEGER NOT NULL,
    keys       BLOB NOT NULL         -- little-endian int64 x 32
);
-- An older database's keys are recomputed from the stored signatures on its next ingest.
INSERT INTO corpus_stats (name, value) SELECT 'bands_backfill', 1 WHERE EXISTS (SELECT 1 FROM lsh_bands);
DROP TABLE lsh_bands;
