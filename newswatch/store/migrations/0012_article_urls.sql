-- `watch --fetch-articles` asks whether an entry's link is stored before fetching it.
CREATE INDEX articles_url ON articles (url);
