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

-- Schema-qualified, so the stored search column reads the same whatever a session's search_path.
DO $$
BEGIN
    EXECUTE format($f$
CREATE OR REPLACE FUNCTION newswatch_ts_config(language text) RETURNS regconfig IMMUTABLE LANGUAGE sql AS $body$
    SELECT (%L || CASE language
        WHEN 'ar' THEN 'arabic' WHEN 'da' THEN 'danish' WHEN 'nl' THEN 'dutch' WHEN 'en' THEN 'english'
        WHEN 'fi' THEN 'finnish' WHEN 'fr' THEN 'french' WHEN 'de' THEN 'german' WHEN 'el' THEN 'greek'
        WHEN 'hu' THEN 'hungarian' WHEN 'id' THEN 'indonesian' WHEN 'ga' THEN 'irish' WHEN 'it' THEN 'italian'
        WHEN 'lt' THEN 'lithuanian' WHEN 'ne' THEN 'nepali' WHEN 'no' THEN 'norwegian' WHEN 'nb' THEN 'norwegian'
        WHEN 'nn' THEN 'norwegian' WHEN 'pt' THEN 'portuguese' WHEN 'ro' THEN 'romanian' WHEN 'ru' THEN 'russian'
        WHEN 'es' THEN 'spanish' WHEN 'sv' THEN 'swedish' WHEN 'ta' THEN 'tamil' WHEN 'tr' THEN 'turkish'
        ELSE 'simple' END)::regconfig
$body$ $f$, quote_ident(current_schema()) || '.newswatch_');
END $$;

-- 200,000 characters are indexed: a tsvector holds at most 1 MB, and one huge text must not fail its batch.
ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector(newswatch_ts_config(language), coalesce(title, '')), 'A')
    || setweight(to_tsvector(newswatch_ts_config(language), left(text, 200000)), 'B')) STORED;
CREATE INDEX articles_search ON articles USING gin (search);
