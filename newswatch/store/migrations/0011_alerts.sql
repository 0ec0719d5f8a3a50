-- Alerts: saved queries (watchlists), the alerts raised, and which alerts each channel has been sent.
CREATE TABLE watchlists (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    query       TEXT NOT NULL,     -- as the user wrote it (words, "phrases", AND/OR/NOT, parentheses)
    entity_id   INTEGER,           -- only articles that mention this entity
    source      TEXT,              -- only this source (case-insensitive)
    language    TEXT,              -- only this language
    created_at  TEXT NOT NULL
);
CREATE TABLE alerts (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,         -- breaking | watchlist
    key           TEXT NOT NULL UNIQUE,  -- what it is about: the same key never fires twice
    created_at    TEXT NOT NULL,
    title         TEXT NOT NULL,
    article_id    INTEGER,
    event_id      INTEGER,
    story_id      INTEGER,
    watchlist_id  INTEGER,
    detail        TEXT                   -- JSON: the figures that fired it
);
CREATE INDEX alerts_story ON alerts (story_id);
CREATE INDEX alerts_watchlist ON alerts (watchlist_id);
-- A delivery channel (a webhook URL, a JSONL path) gets the alerts raised after it was first used.
CREATE TABLE alert_channels (
    channel        TEXT PRIMARY KEY,
    since_alert_id INTEGER NOT NULL
);
CREATE TABLE alert_deliveries (
    alert_id      INTEGER NOT NULL,
    channel       TEXT NOT NULL,
    delivered_at  TEXT,                  -- NULL while it is still being tried
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_attempt  TEXT,
    last_error    TEXT,
    PRIMARY KEY (alert_id, channel)
);
