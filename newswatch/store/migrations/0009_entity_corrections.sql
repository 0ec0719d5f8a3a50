-- What users corrected about entities. Kept by spelling, not by id, so that it outlives a
-- reanalysis (which rebuilds the entities) and later linking follows it:
--   merge:  spellings a and b name one entity;
--   split:  spelling a does not name the entity that spelling b names;
--   rename: the entity with spelling a is called b.
CREATE TABLE entity_corrections (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('merge', 'split', 'rename')),
    a          TEXT NOT NULL,
    b          TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX entity_corrections_a ON entity_corrections (a);
CREATE INDEX entity_corrections_b ON entity_corrections (b);
