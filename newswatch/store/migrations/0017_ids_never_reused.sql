-- Entities, events and stories get ids that are never given twice (AUTOINCREMENT). Without it SQLite
-- gives a new row the id of the highest row deleted before it, and within one write transaction the
-- linking still maps a merged entity's old id to the entity it joined: a new entity that inherited the
-- id was taken for that one (seen on real news: "Claudia Bradshaw" filed under "Carol Browner"). PostgreSQL
-- sequences never reuse ids, and there the same input gave the right answer.
--
-- SQLite cannot change a primary key in place: each table is copied into a new one and renamed (the
-- migration runs with foreign keys off, so the tables that point at these keep their rows).
CREATE TABLE entities_new (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL,
    type       TEXT NOT NULL,
    articles   INTEGER NOT NULL DEFAULT 0,
    mentions   INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    country    TEXT,
    latitude   REAL,
    longitude  REAL
);
INSERT INTO entities_new (id, name, type, articles, mentions, created_at, country, latitude, longitude)
    SELECT id, name, type, articles, mentions, created_at, country, latitude, longitude FROM entities;
DROP TABLE entities;
ALTER TABLE entities_new RENAME TO entities;
CREATE INDEX entities_type_articles ON entities (type, articles);
CREATE INDEX entities_articles ON entities (articles);

CREATE TABLE stories_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    title       TEXT,
    first_day   TEXT,
    last_day    TEXT,
    vector_sum  BLOB NOT NULL,
    events      INTEGER NOT NULL DEFAULT 0,
    articles    INTEGER NOT NULL DEFAULT 0,
    updated_seq INTEGER NOT NULL,
    terms       TEXT
);
INSERT INTO stories_new (id, title, first_day, last_day, vector_sum, events, articles, updated_seq, terms)
    SELECT id, title, first_day, last_day, vector_sum, events, articles, updated_seq, terms FROM stories;
DROP TABLE stories;
ALTER TABLE stories_new RENAME TO stories;
CREATE INDEX stories_last_day ON stories (last_day);
CREATE INDEX stories_updated ON stories (updated_seq);

CREATE TABLE events_new (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    story_id      INTEGER NOT NULL REFERENCES stories (id),
    title         TEXT,
    title_article INTEGER,
    first_day     TEXT,
    last_day      TEXT,
    vector_sum    BLOB NOT NULL,
    articles      INTEGER NOT NULL DEFAULT 0,
    updated_seq   INTEGER NOT NULL,
    terms         TEXT
);
INSERT INTO events_new (id, story_id, title, title_article, first_day, last_day, vector_sum, articles,
                        updated_seq, terms)
    SELECT id, story_id, title, title_article, first_day, last_day, vector_sum, articles, updated_seq, terms
    FROM events;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
CREATE INDEX events_last_day ON events (last_day);
CREATE INDEX events_updated ON events (updated_seq);
CREATE INDEX events_undated ON events (updated_seq) WHERE first_day IS NULL;
CREATE INDEX events_story_size ON events (story_id, articles DESC, id);
