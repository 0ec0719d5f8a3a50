-- Accents folded in full-text search, as SQLite's FTS5 folds them ('Sigrun' finds 'Sigrún', 'Grindavik'
-- finds 'Grindavík'). Each language's configuration gets a copy of its own, newswatch_<language>, whose
-- words go through the unaccent dictionary before the language's stemmer. A server without the unaccent
-- extension (or a user not allowed to install it) gets the same copies without it: search works the same,
-- without folding. The articles' search column is then computed again in the new configurations.
DO $$
DECLARE
    folding boolean;
    language text;
    dictionaries text;
    schema text := quote_ident(current_schema());
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS unaccent;
        folding := true;
    EXCEPTION WHEN OTHERS THEN
        folding := false;
    END;
    FOR language IN SELECT cfgname FROM pg_ts_config WHERE cfgnamespace = 'pg_catalog'::regnamespace LOOP
        EXECUTE format('CREATE TEXT SEARCH CONFIGURATION %s.%I (COPY = pg_catalog.%I)',
                       schema, 'newswatch_' || language, language);
        IF folding THEN
            -- The language's own dictionaries for words, in their order, after unaccent.
            SELECT string_agg(quote_ident(d.dictname), ', ' ORDER BY m.mapseqno) INTO dictionaries
                FROM pg_ts_config_map m JOIN pg_ts_dict d ON d.oid = m.mapdict
                WHERE m.mapcfg = format('pg_catalog.%I', language)::regconfig
                  AND m.maptokentype = (SELECT tokid FROM ts_token_type('default') WHERE alias = 'word');
            EXECUTE format('ALTER TEXT SEARCH CONFIGURATION %s.%I ALTER MAPPING FOR word, hword, hword_part'
                           ' WITH unaccent, %s', schema, 'newswatch_' || language, dictionaries);
        END IF;
    END LOOP;
END $$;

ALTER TABLE articles DROP COLUMN search;

-- 0001's mapping from a language code to the server's configuration stays as it is, under a name of its
-- own; newswatch_ts_config now gives newswatch's copy of the configuration that mapping names.
-- Schema-qualified, so the stored search column reads the same whatever a session's search_path.
ALTER FUNCTION newswatch_ts_config(text) RENAME TO newswatch_server_ts_config;
DO $$
BEGIN
    EXECUTE format($f$
CREATE FUNCTION newswatch_ts_config(language text) RETURNS regconfig IMMUTABLE LANGUAGE sql AS $body$
    SELECT (%L || %s.newswatch_server_ts_config(language)::text)::regconfig
$body$ $f$, quote_ident(current_schema()) || '.newswatch_', quote_ident(current_schema()));
END $$;

-- 200,000 characters are indexed: a tsvector holds at most 1 MB, and one huge text must not fail its batch.
ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector(newswatch_ts_config(language), coalesce(title, '')), 'A')
    || setweight(to_tsvector(newswatch_ts_config(language), left(text, 200000)), 'B')) STORED;
CREATE INDEX articles_search ON articles USING gin (search);
