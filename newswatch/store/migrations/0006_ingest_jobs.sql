-- Uploads to the web server, kept in the database so that every server process can report
-- on any job, and a job cut short by a stop is known to have failed after a restart.
CREATE TABLE ingest_jobs (
    id        TEXT PRIMARY KEY,
    status    TEXT NOT NULL,     -- queued, running, done, failed
    owner_pid INTEGER NOT NULL,  -- the server process running it
    job       TEXT NOT NULL      -- JSON: the job as GET /api/ingest/{id} shows it
);
