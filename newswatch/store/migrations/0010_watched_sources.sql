-- Sources that `newswatch watch` polls (feeds, sitemaps, pages), with what the last polls found.
CREATE TABLE sources (
    id                 INTEGER PRIMARY KEY,
    url                TEXT NOT NULL UNIQUE,
    title              TEXT,                       -- the feed's own title, once polled
    interval_seconds   INTEGER NOT NULL,           -- how often it is polled when all is well
    added_at           TEXT NOT NULL,
    last_polled_at     TEXT,
    last_status        TEXT,                       -- new, unchanged, not modified, failed
    last_error         TEXT,                       -- the reason of the last failure (NULL after a success)
    consecutive_errors INTEGER NOT NULL DEFAULT 0,  -- failures since the last success (back-off grows with it)
    next_poll_at       TEXT,                       -- UTC ISO time the next poll is due
    etag               TEXT,                       -- validators for conditional GET
    last_modified      TEXT,
    items_seen         INTEGER NOT NULL DEFAULT 0, -- entries read over all polls
    items_new          INTEGER NOT NULL DEFAULT 0  -- of those, stored as new articles
);
