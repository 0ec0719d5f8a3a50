-- Linking on a multilingual embedding (512-d) and TF-IDF terms with corpus statistics.
-- The old 256-d embeddings cannot be compared with the new ones: they are dropped,
-- with the events and stories built on them; `newswatch relink` recomputes the
-- missing features from the stored text and rebuilds everything.
ALTER TABLE articles ADD COLUMN terms TEXT;               -- JSON: content term -> weight (title words x3)
ALTER TABLE articles ADD COLUMN published_estimate TEXT;  -- JSON {"from", "to", "evidence"} for undated articles
ALTER TABLE events ADD COLUMN terms TEXT;                 -- JSON: summed TF-IDF vectors, heaviest terms
ALTER TABLE stories ADD COLUMN terms TEXT;
UPDATE articles SET embedding = NULL, event_id = NULL;
DELETE FROM event_entities;
DELETE FROM story_entities;
DELETE FROM events;
DELETE FROM stories;

-- How many articles carry each term (words and e:ID entity terms), kept as articles arrive.
CREATE TABLE term_stats (
    term TEXT PRIMARY KEY,
    df   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE corpus_stats (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
CREATE INDEX event_entities_entity ON event_entities (entity_id, event_id);
