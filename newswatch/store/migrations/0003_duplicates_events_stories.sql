-- Corpus linking: near-duplicate groups, events and stories.
ALTER TABLE articles ADD COLUMN fingerprint BLOB;   -- MinHash signature, uint64 x 128
ALTER TABLE articles ADD COLUMN embedding BLOB;     -- float32 x 256, L2-normalised
ALTER TABLE articles ADD COLUMN dup_group INTEGER;  -- near-duplicate group, NULL when it has no copies
ALTER TABLE articles ADD COLUMN event_id INTEGER;
CREATE INDEX articles_event ON articles (event_id);
CREATE INDEX articles_dup_group ON articles (dup_group);

-- LSH: one row per band of each article's signature.
CREATE TABLE lsh_bands (
    key        INTEGER NOT NULL,
    article_id INTEGER NOT NULL,
    PRIMARY KEY (key, article_id)
) WITHOUT ROWID;

CREATE TABLE dup_groups (
    id           INTEGER PRIMARY KEY,
    canonical_id INTEGER NOT NULL,   -- earliest, else fullest, else lowest id
    size         INTEGER NOT NULL
);

CREATE TABLE stories (
    id          INTEGER PRIMARY KEY,
    title       TEXT,
    first_day   TEXT,
    last_day    TEXT,
    vector_sum  BLOB NOT NULL,
    events      INTEGER NOT NULL DEFAULT 0,
    articles    INTEGER NOT NULL DEFAULT 0,
    updated_seq INTEGER NOT NULL      -- id of the article that last touched it
);
CREATE INDEX stories_last_day ON stories (last_day);
CREATE INDEX stories_updated ON stories (updated_seq);

CREATE TABLE events (
    id            INTEGER PRIMARY KEY,
    story_id      INTEGER NOT NULL REFERENCES stories (id),
    title         TEXT,
    title_article INTEGER,            -- the most central headline's article
    first_day     TEXT,
    last_day      TEXT,
    vector_sum    BLOB NOT NULL,
    articles      INTEGER NOT NULL DEFAULT 0,
    updated_seq   INTEGER NOT NULL
);
CREATE INDEX events_last_day ON events (last_day);
CREATE INDEX events_updated ON events (updated_seq);
CREATE INDEX events_story ON events (story_id);

CREATE TABLE event_entities (
    event_id  INTEGER NOT NULL,
    entity_id INTEGER NOT NULL,
    weight    REAL NOT NULL,
    PRIMARY KEY (event_id, entity_id)
) WITHOUT ROWID;

CREATE TABLE story_entities (
    story_id  INTEGER NOT NULL,
    entity_id INTEGER NOT NULL,
    weight    REAL NOT NULL,
    PRIMARY KEY (story_id, entity_id)
) WITHOUT ROWID;
CREATE INDEX story_entities_entity ON story_entities (entity_id, story_id);
