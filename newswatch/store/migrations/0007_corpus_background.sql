-- The sum of the linked articles' embeddings and their number: linking measures similarity from the
-- corpus's mean embedding (linking.events.background). A corpus stored before this table existed gets
-- the sum from its events' sums on first use.
CREATE TABLE corpus_vectors (
    name   TEXT PRIMARY KEY,
    count  INTEGER NOT NULL,
    vector BLOB NOT NULL
);
