-- Where a place is: its country (ISO 3166 alpha-2) and coordinates, from the gazetteer
-- (linking.places); NULL for other entities and for places the gazetteer does not know.
ALTER TABLE entities ADD COLUMN country TEXT;
ALTER TABLE entities ADD COLUMN latitude REAL;
ALTER TABLE entities ADD COLUMN longitude REAL;
