-- Entities across the corpus, the mentions that point at them, and quotes.
-- Counters are kept up to date as articles arrive, so that linking one more
-- article and listing entities never scan all mentions.
CREATE TABLE entities (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,      -- display name, recomputed as variants arrive
    type       TEXT NOT NULL,      -- PERSON | ORG | PLACE | EVENT (majority of its mentions)
    articles   INTEGER NOT NULL DEFAULT 0,
    mentions   INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX entities_type_articles ON entities (type, articles);
CREATE INDEX entities_articles ON entities (articles);

-- Every spelling seen for an entity with how often, and the blocking keys it is filed under.
CREATE TABLE entity_variants (
    entity_id INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    text      TEXT NOT NULL,
    count     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (entity_id, text)
);
CREATE INDEX entity_variants_text ON entity_variants (text COLLATE NOCASE);
CREATE TABLE entity_keys (
    key       TEXT NOT NULL,
    entity_id INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    PRIMARY KEY (key, entity_id)
);
CREATE INDEX entity_keys_entity ON entity_keys (entity_id);

CREATE TABLE entity_roles (
    entity_id INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    folded    TEXT NOT NULL,
    role      TEXT NOT NULL,
    count     INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (entity_id, folded)
);

CREATE TABLE mentions (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    start      INTEGER NOT NULL,   -- character offsets into articles.text
    "end"      INTEGER NOT NULL,
    text       TEXT NOT NULL,
    label      TEXT NOT NULL,      -- the NER model's label
    type       TEXT NOT NULL,      -- newswatch's type after votes
    entity_id  INTEGER REFERENCES entities (id),
    PRIMARY KEY (article_id, start)
);
CREATE INDEX mentions_entity ON mentions (entity_id, article_id);

CREATE TABLE quotes (
    id            INTEGER PRIMARY KEY,
    article_id    INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    start         INTEGER NOT NULL,
    "end"         INTEGER NOT NULL,
    text          TEXT NOT NULL,
    cue           TEXT,
    direct        INTEGER NOT NULL,
    speaker_text  TEXT,
    speaker_start INTEGER,
    speaker_end   INTEGER,
    speaker_id    INTEGER REFERENCES entities (id)
);
CREATE INDEX quotes_article ON quotes (article_id);
CREATE INDEX quotes_speaker ON quotes (speaker_id);

-- What the input itself said, so `newswatch reanalyze` can start from it.
ALTER TABLE articles ADD COLUMN raw_title TEXT;
ALTER TABLE articles ADD COLUMN declared_language TEXT;
