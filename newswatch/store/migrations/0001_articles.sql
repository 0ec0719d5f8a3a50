-- Articles as ingested: clean text beside the original, metadata, and the
-- date expressions found in the text.
CREATE TABLE articles (
    id             INTEGER PRIMARY KEY,
    external_id    TEXT UNIQUE,            -- the id the user gave (JSONL "id", feed guid)
    content_hash   TEXT NOT NULL UNIQUE,   -- sha256 of normalised title + clean text
    title          TEXT,
    text           TEXT NOT NULL,          -- clean text
    raw_text       TEXT NOT NULL,          -- text as the source gave it
    url            TEXT,
    source         TEXT,
    author         TEXT,
    published      TEXT,                   -- ISO 8601, NULL when the input had none
    language       TEXT,
    format         TEXT NOT NULL,          -- text | html | jsonl | feed
    origin         TEXT NOT NULL,          -- the input it came from
    reference_date TEXT,                   -- what relative dates were resolved against
    cleaning       TEXT NOT NULL DEFAULT '[]',  -- JSON list of cleaning steps applied
    ingested_at    TEXT NOT NULL
);
CREATE INDEX articles_published ON articles (published);
CREATE INDEX articles_source ON articles (source);
CREATE INDEX articles_language ON articles (language);

CREATE TABLE article_dates (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    start      INTEGER NOT NULL,   -- character offsets into articles.text
    "end"      INTEGER NOT NULL,
    text       TEXT NOT NULL,
    value      TEXT,               -- TIMEX3-style value, NULL when unresolvable
    date_from  TEXT,
    date_to    TEXT,
    PRIMARY KEY (article_id, start)
);
CREATE INDEX article_dates_from ON article_dates (date_from);
