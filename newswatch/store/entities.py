"""Entities in the store: linking an article's name chains to corpus entities, and reading them back.

A mixin of SQLiteStore (it needs ``conn``, ``_merged`` and ``_known``). The
rules that decide whether a chain is a known entity are
``newswatch.linking.entities``'s; this module finds their candidates, records
the outcome, keeps names and types following the evidence, and lists
entities and their quotes.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

from ..analysis.names import title_case
from ..analysis.quotes import resolve_speakers
from ..documents import Article
from ..linking import entities as linking
from ..linking.known_names import KnownNames
from .views import _fold, _limit_sql

CANDIDATES_PER_KEY = 50


def _overlaps(start: int, end: int, spans) -> bool:
    """Whether ``start:end`` overlaps any of ``spans`` (tuples whose first two items are start and end)."""
    return any(a < end and start < b for a, b, *_ in spans)


class EntityStore:
    def _retype_places(self, art: Article) -> None:
        """A one-word name the model called a person, that the gazetteer knows, is a place ("Keflavík")."""
        from ..linking import places

        for chain in art.chains:
            if chain.type != "PERSON" or len(chain.name.split()) != 1:
                continue
            if any(len(art.mentions[j].text.split()) != 1 for j in chain.mentions):
                continue
            if places.load().lookup(chain.name):
                chain.type = "PLACE"
                for j in chain.mentions:
                    art.mentions[j].type = "PLACE"

    def _locate_places(self, art: Article) -> None:
        """Country and coordinates for the article's places that have none yet."""
        from ..linking import places

        chains = [c for c in art.chains if c.type == "PLACE" and c.entity_id is not None]
        if not chains:
            return
        gazetteer = places.load()
        countries = gazetteer.countries_in([c.name for c in chains])
        for chain in chains:
            place = gazetteer.locate(chain.name, countries)
            if place is not None:
                self.conn.execute("UPDATE entities SET country = ?, latitude = ?, longitude = ?"
                                  " WHERE id = ? AND country IS NULL",
                                  (place.country, place.latitude, place.longitude, chain.entity_id))

    def _find_known_names(self, art_id: int, art: Article) -> None:
        """The names the corpus knows, for an article no NER model reads or a headline in Title Case.

        A model reads every capitalised word of a Title-Case headline as a
        possible name ("Edward Snowden Urges SXSW Crowd" as an organisation):
        there its names are replaced by the known ones.
        """
        from ..analysis import entities as recognizer

        if not art.text or art.error is not None:
            return
        has_model = recognizer.language_model(art.language) is not None
        if not title_case(art.text) and (art.chains or has_model):
            return
        art.mentions, art.chains = [], []
        for quote in art.quotes:  # its speaker was one of the chains dropped
            quote.chain = None
        if self._known is None:
            self._known = KnownNames()
            for text, kind in self.conn.execute(
                    "SELECT v.text, e.type FROM entity_variants v JOIN entities e ON e.id = v.entity_id"):
                self._known.add(text, kind)
        text = recognizer.model_text(art.text)
        spans = self._known.find(text)
        if not has_model and self._confirm_new_names(art_id, art, text, spans):
            spans = self._known.find(text)
        if spans:
            recognizer.analyse(art, spans)
            resolve_speakers(art)  # "sagte Stoltenberg": the speaker is now a known person

    def _confirm_new_names(self, article_id: int, art: Article, text: str,
                           known_spans: list[tuple[int, int, str]]) -> bool:
        """Count the article's capitalised runs that no known name covers; a run a second article
        carries becomes a known name (``linking.new_names``). True when a name was confirmed."""
        from ..linking import duplicates as dup
        from ..linking import new_names, places

        found = {name for s, e, name in new_names.candidates(text, art.language)
                 if not _overlaps(s, e, known_spans)}
        confirmed: dict[int, list[tuple[str, str]]] = {}  # first article -> names it now gets
        for name in sorted(found):
            row = self.conn.execute("SELECT articles, first_article FROM name_candidates WHERE text = ?",
                                    (name,)).fetchone()
            if row is None:
                self.conn.execute("INSERT INTO name_candidates (text, articles, first_article) VALUES (?, 1, ?)",
                                  (name, article_id))
                continue
            if row["first_article"] == article_id or self._copies(row["first_article"], art, dup.THRESHOLD):
                continue  # a syndicated copy is not a second witness
            self.conn.execute("UPDATE name_candidates SET articles = articles + 1 WHERE text = ?", (name,))
            if row["articles"] + 1 == new_names.CONFIRMING_ARTICLES:
                kind = new_names.guess_type(name, places.load())
                if kind is not None:
                    self._known.add(name, kind)
                    confirmed.setdefault(row["first_article"], []).append((name, kind))
        for first, names in confirmed.items():
            self._name_first_witness(first, names)
        return bool(confirmed)

    def _name_first_witness(self, article_id: int, names: list[tuple[str, str]]) -> None:
        """The stored article that met newly confirmed names first gets them too (mentions, entity links)."""
        from ..analysis import entities as recognizer
        from ..documents import RawDocument

        row = self.conn.execute("SELECT text, language FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            return
        finder = KnownNames()
        for name, kind in names:
            finder.add(name, kind)
        text = recognizer.model_text(row["text"] or "")
        taken = self.conn.execute('SELECT start, "end" FROM mentions WHERE article_id = ?', (article_id,)).fetchall()
        spans = [(s, e, label) for s, e, label in finder.find(text) if not _overlaps(s, e, taken)]
        if not spans:
            return
        art = Article(RawDocument(origin="", format="text", text=text), text=text, language=row["language"])
        recognizer.analyse(art, spans)
        self._refresh_display_names(self._store_names(article_id, art))

    def _copies(self, other_id: int, art: Article, threshold: float) -> bool:
        """Whether ``art`` is a near-duplicate of a stored article, by their MinHash signatures."""
        import numpy as np

        from ..analysis.features import jaccard

        row = self.conn.execute("SELECT fingerprint FROM articles WHERE id = ?", (other_id,)).fetchone()
        if row is None or row[0] is None or art.fingerprint is None:
            return False
        return jaccard(np.frombuffer(row[0], dtype=np.uint64), art.fingerprint) >= threshold

    def _candidates(self, keys: set[str]) -> list[linking.Candidate]:
        if not keys:
            return []
        # Each key brings at most its most-mentioned entities, so a crowded block
        # (a common surname prefix or Soundex code) costs the same at any corpus size.
        # One query for every key, the candidates and their spellings (a round trip per key and two more per
        # chain were a fifth of linking on PostgreSQL). Candidates come in the order of one query per key:
        # by key, then most mentioned first; an entity filed under several keys keeps its first place.
        found = self._candidate_rows(sorted(keys), CANDIDATES_PER_KEY)
        first_key: dict[int, str] = {}
        rows: dict[int, tuple[str, int]] = {}
        variants: dict[int, list[str]] = {}
        for key, entity_id, kind, mentions, text in found:
            if first_key.setdefault(entity_id, key) != key:
                continue
            rows[entity_id] = (kind, mentions)
            variants.setdefault(entity_id, [])
            if text is not None:
                variants[entity_id].append(text)
        ids = list(first_key)
        return [linking.Candidate(i, rows[i][0], variants[i], rows[i][1]) for i in ids if i in rows]

    def _candidate_rows(self, keys: list[str], per_key: int) -> list:
        """(key, entity id, type, mentions, spelling or None) of each key's ``per_key`` most mentioned
        entities, by key, then most mentioned first, then spelling."""
        return self.conn.execute(
            "SELECT c.key, c.entity_id, e.type, e.mentions, v.text FROM (SELECT k.key, k.entity_id,"
            " row_number() OVER (PARTITION BY k.key ORDER BY e.mentions DESC, e.id) AS nth FROM entity_keys k"
            f" JOIN entities e ON e.id = k.entity_id WHERE k.key IN ({','.join('?' * len(keys))})) c"
            " JOIN entities e ON e.id = c.entity_id LEFT JOIN entity_variants v ON v.entity_id = c.entity_id"
            " WHERE c.nth <= ? ORDER BY c.key, c.nth, v.text", [*keys, per_key]).fetchall()

    def _current_entity(self, entity_id: int) -> int:
        while entity_id in self._merged:
            entity_id = self._merged[entity_id]
        return entity_id

    def _link_chain(self, art: Article, chain) -> int:
        variants = sorted({art.mentions[j].text for j in chain.mentions})
        keys = set().union(*(linking.block_keys(v, chain.type) for v in variants))
        candidates = self._candidates(keys)
        told = self._told(variants)
        if told["split"]:  # a user split these spellings from those entities: never link them back
            candidates = [c for c in candidates if not told["split"] & set(c.names)]
        decision = linking.decide(chain.type, variants, candidates)
        entity_id = decision.entity_id
        if entity_id is None:
            entity_id = self.conn.execute(
                "INSERT INTO entities (name, type, created_at) VALUES (?,?,?) RETURNING id",
                (chain.name, chain.type, datetime.now(timezone.utc).isoformat(timespec="seconds")),
            ).fetchone()[0]
        for other in decision.absorb:
            self._merge_entities(entity_id, other)
        self.conn.executemany("INSERT OR IGNORE INTO entity_variants (entity_id, text) VALUES (?,?)",
                              [(entity_id, v) for v in variants])
        if self._known is not None:
            for v in variants:
                self._known.add(v, chain.type)
        self.conn.executemany("INSERT OR IGNORE INTO entity_keys (key, entity_id) VALUES (?,?)",
                              [(k, entity_id) for k in keys])
        for role in chain.roles:
            self.conn.execute(
                "INSERT INTO entity_roles (entity_id, folded, role) VALUES (?,?,?)"
                " ON CONFLICT (entity_id, folded) DO UPDATE SET count = entity_roles.count + 1",
                (entity_id, _fold(role), role),
            )
        self._join_as_told(entity_id, told["merge"])
        chain.entity_id = entity_id
        return entity_id

    # -- what users corrected ---------------------------------------------------

    def _corrections(self) -> list[tuple[int, str, str, str]]:
        """Every user correction (id, kind, a, b), read once per write transaction: there are few, and each
        article's chains all ask (``_transaction`` and ``_record``/``_forget`` drop the copy)."""
        if self._corrections_read is None:
            self._corrections_read = [tuple(r) for r in self.conn.execute(
                "SELECT id, kind, a, b FROM entity_corrections ORDER BY id")]
        return self._corrections_read

    def _told(self, spellings: list[str]) -> dict[str, set[str]]:
        """The other spellings a user merged with these ("merge") or split from them ("split")."""
        mine = set(spellings)
        told: dict[str, set[str]] = {"merge": set(), "split": set()}
        for _, kind, a, b in self._corrections():
            if kind in told and (a in mine or b in mine):
                told[kind].add(b if a in mine else a)
        told["split"] -= mine
        return told

    def _renamed_as(self, spellings) -> str | None:
        """The name a user gave the entity with one of these spellings (the latest such rename), if any."""
        found = [(i, b) for i, kind, a, b in self._corrections() if kind == "rename" and a in spellings]
        return max(found)[1] if found else None

    def _join_as_told(self, entity_id: int, others: set[str]) -> None:
        """Fold into ``entity_id`` the entities holding spellings a user merged with the chain's."""
        for other in sorted(others):
            for (other_id,) in self.conn.execute("SELECT entity_id FROM entity_variants WHERE text = ?",
                                                 (other,)).fetchall():
                other_id = self._current_entity(other_id)
                if other_id != entity_id and self.conn.execute("SELECT 1 FROM entities WHERE id = ?",
                                                               (other_id,)).fetchone():
                    self._merge_entities(entity_id, other_id)

    def _forget(self, kind: str, x: str, y: str) -> None:
        """Drop an earlier correction about spellings x and y that a newer one contradicts."""
        self._corrections_read = None
        self.conn.execute("DELETE FROM entity_corrections WHERE kind = ? AND ((a = ? AND b = ?) OR (a = ? AND b = ?))",
                          (kind, x, y, y, x))

    def _record(self, kind: str, a: str, b: str) -> None:
        self._corrections_read = None
        self.conn.execute("INSERT INTO entity_corrections (kind, a, b, created_at) VALUES (?,?,?,?)",
                          (kind, a, b, datetime.now(timezone.utc).isoformat(timespec="seconds")))

    def _name_of(self, entity_id: int) -> str:
        row = self.conn.execute("SELECT name FROM entities WHERE id = ?", (entity_id,)).fetchone()
        if row is None:
            raise ValueError(f"no entity with id {entity_id}")
        return row[0]

    def merge_entities_as_told(self, keep_id: int, drop_id: int) -> int:
        """A user's merge: ``drop_id`` becomes part of ``keep_id``, now and whenever its spellings come again."""
        if keep_id == drop_id:
            raise ValueError("an entity cannot be merged with itself: give two different entities")
        keep_name, drop_name = self._name_of(keep_id), self._name_of(drop_id)
        with self._transaction():
            self._record("merge", keep_name, drop_name)
            self._forget("split", keep_name, drop_name)
            self._merge_entities(keep_id, drop_id)
        return keep_id

    def split_entity_as_told(self, entity_id: int, spelling: str) -> int:
        """A user's split: the mentions spelled ``spelling`` leave the entity for a new one; returns its id."""
        row = self.conn.execute("SELECT type, name FROM entities WHERE id = ?", (entity_id,)).fetchone()
        if row is None:
            raise ValueError(f"no entity with id {entity_id}")
        kind, old_name = row
        spellings = [r[0] for r in self.conn.execute("SELECT text FROM entity_variants WHERE entity_id = ?",
                                                     (entity_id,))]
        if spelling not in spellings:
            raise ValueError(f"{spelling!r} is not a spelling of {old_name!r}; its spellings are: "
                             + ", ".join(repr(s) for s in sorted(spellings)))
        if len(spellings) == 1:
            raise ValueError(f"{spelling!r} is the only spelling of {old_name!r}: there is nothing to split off")
        q = self.conn.execute
        with self._transaction():
            new_id = q("INSERT INTO entities (name, type, created_at) VALUES (?,?,?) RETURNING id",
                       (spelling, kind, datetime.now(timezone.utc).isoformat(timespec="seconds"))).fetchone()[0]
            q("UPDATE mentions SET entity_id = ? WHERE entity_id = ? AND text = ?", (new_id, entity_id, spelling))
            q("UPDATE quotes SET speaker_id = ? WHERE speaker_id = ? AND speaker_text LIKE ?",
              (new_id, entity_id, f"%{spelling}%"))
            q("UPDATE entity_variants SET entity_id = ? WHERE entity_id = ? AND text = ?",
              (new_id, entity_id, spelling))
            self.conn.executemany("INSERT OR IGNORE INTO entity_keys (key, entity_id) VALUES (?,?)",
                                  [(k, new_id) for k in linking.block_keys(spelling, kind)])
            for changed in (entity_id, new_id):
                self._recount(changed)
                self._refresh_display_name(changed)
            remaining = self._name_of(entity_id)
            self._record("split", spelling, remaining)
            self._forget("merge", spelling, remaining)
        return new_id

    def rename_entity_as_told(self, entity_id: int, name: str) -> None:
        """A user's name for an entity, kept whatever spellings arrive later."""
        name = " ".join(name.split())
        if not name:
            raise ValueError("the new name is empty: give the name the entity should have")
        old = self._name_of(entity_id)
        with self._transaction():
            self._record("rename", old, name)
            self.conn.execute("UPDATE entities SET name = ? WHERE id = ?", (name, entity_id))

    def _merge_entities(self, keep: int, drop: int) -> None:
        """Fold entity ``drop`` into ``keep``: mentions, quotes, names, keys and roles move over."""
        q = self.conn.execute
        q("UPDATE mentions SET entity_id = ? WHERE entity_id = ?", (keep, drop))
        q("UPDATE quotes SET speaker_id = ? WHERE speaker_id = ?", (keep, drop))
        q("INSERT INTO entity_variants (entity_id, text, count) SELECT ?, text, count FROM entity_variants"
          " WHERE entity_id = ? ON CONFLICT (entity_id, text) DO UPDATE SET count = entity_variants.count + excluded.count",
          (keep, drop))
        q("INSERT OR IGNORE INTO entity_keys (key, entity_id) SELECT key, ? FROM entity_keys WHERE entity_id = ?",
          (keep, drop))
        q("INSERT INTO entity_roles (entity_id, folded, role, count) SELECT ?, folded, role, count FROM entity_roles"
          " WHERE entity_id = ? ON CONFLICT (entity_id, folded) DO UPDATE SET count = entity_roles.count + excluded.count",
          (keep, drop))
        for table, owner in (("event_entities", "event_id"), ("story_entities", "story_id")):
            # The events and stories that weighed the dropped entity now weigh the one it became.
            q(f"INSERT INTO {table} ({owner}, entity_id, weight) SELECT {owner}, ?, weight FROM {table}"
              f" WHERE entity_id = ? ON CONFLICT ({owner}, entity_id) DO UPDATE SET weight = {table}.weight + excluded.weight",
              (keep, drop))
            q(f"DELETE FROM {table} WHERE entity_id = ?", (drop,))
        q("DELETE FROM entities WHERE id = ?", (drop,))
        self._recount(keep)
        self._merged[drop] = keep
        self._refresh_display_name(keep)

    def _recount(self, entity_id: int) -> None:
        """The entity's mention and article counters, from its mentions (after mentions moved)."""
        self.conn.execute(
            "UPDATE entities SET mentions = (SELECT count(*) FROM mentions WHERE entity_id = ?),"
            " articles = (SELECT count(DISTINCT article_id) FROM mentions WHERE entity_id = ?) WHERE id = ?",
            (entity_id, entity_id, entity_id))

    def _refresh_display_name(self, entity_id: int) -> None:
        self._refresh_display_names([entity_id])

    def _refresh_display_names(self, entity_ids) -> None:
        """Name and type follow the evidence: the best-attested spelling, the majority type of recent mentions.

        A few queries for all the entities an article touched (not five per
        entity): on PostgreSQL each query is a round trip to the server.
        """
        ids = sorted(set(entity_ids))
        for i in range(0, len(ids), 200):
            chunk = ids[i:i + 200]
            marks = ",".join("?" * len(chunk))
            counts: dict[int, dict[str, int]] = {}
            for entity_id, text, n in self.conn.execute(
                    f"SELECT entity_id, text, count FROM entity_variants WHERE entity_id IN ({marks}) AND count > 0",
                    chunk):
                counts.setdefault(entity_id, {})[text] = n
            # The type vote looks at recent evidence only: the entity's latest 200 mentions.
            current, window = {}, {}
            for entity_id, kind, first in self.conn.execute(
                    "SELECT e.id, e.type, (SELECT m.article_id FROM mentions m WHERE m.entity_id = e.id"
                    f" ORDER BY m.article_id DESC LIMIT 1 OFFSET 199) FROM entities e WHERE e.id IN ({marks})", chunk):
                current[entity_id], window[entity_id] = kind, first or 0
            live = [e for e in chunk if e in counts and e in current]
            if not live:
                continue
            votes: dict[int, list[tuple[str, int]]] = {e: [] for e in live}
            ranges = " OR ".join("(entity_id = ? AND article_id >= ?)" for _ in live)
            for entity_id, kind, n in self.conn.execute(
                    f"SELECT entity_id, type, count(*) FROM mentions WHERE {ranges} GROUP BY entity_id, type",
                    [x for e in live for x in (e, window[e])]):
                votes[entity_id].append((kind, n))
            updates = []
            for entity_id in live:
                types = sorted(votes[entity_id], key=lambda tn: (-tn[1], tn[0]))
                was = current[entity_id]
                kind = types[0][0] if types and types[0][1] > sum(n for t, n in types if t == was) else was
                told = self._renamed_as(counts[entity_id])
                updates.append((told or linking.display_name(counts[entity_id], kind), kind, entity_id))
            self.conn.executemany("UPDATE entities SET name = ?, type = ? WHERE id = ?", updates)

    def _entity_summary(self, row: sqlite3.Row) -> dict:
        entity_id = row["id"]
        variants = [{"text": t, "count": n} for t, n in self.conn.execute(
            "SELECT text, count FROM entity_variants WHERE entity_id = ? AND count > 0 ORDER BY count DESC, text",
            (entity_id,))]
        roles = [r[0] for r in self.conn.execute(
            "SELECT role FROM entity_roles WHERE entity_id = ? ORDER BY count DESC, role", (entity_id,))]
        summary = {"id": entity_id, "name": row["name"], "type": row["type"], "variants": variants, "roles": roles,
                   "articles": row["articles"], "mentions": row["mentions"]}
        if row["country"]:
            summary["place"] = {"country": row["country"], "latitude": row["latitude"], "longitude": row["longitude"]}
        return summary

    _ENTITY_SELECT = ("SELECT e.id, e.name, e.type, e.articles, e.mentions, e.country, e.latitude, e.longitude"
                      " FROM entities e")

    def list_entities(self, kind: str | None = None, limit: int | None = 100, offset: int = 0,
                      name: str | None = None) -> list[dict]:
        clauses, params = [], []
        if kind:
            clauses.append("e.type = ?")
            params.append(kind.upper())
        if name:
            clauses.append("e.id IN (SELECT entity_id FROM entity_variants WHERE text LIKE ?)")
            params.append(f"%{name}%")
        clauses.append("e.mentions > 0")
        where = " WHERE " + " AND ".join(clauses)
        sql = (f"{self._ENTITY_SELECT}{where} ORDER BY e.articles DESC, e.mentions DESC, e.name"
               + _limit_sql(limit, offset))
        return [self._entity_summary(r) for r in self.conn.execute(sql, params).fetchall()]

    def find_entity(self, key: str | int) -> int | None:
        text = str(key).strip()
        if text.isdigit():
            row = self.conn.execute("SELECT id FROM entities WHERE id = ?", (int(text),)).fetchone()
            if row:
                return row[0]
        folded = _fold(text)
        best = None
        for entity_id, count in self.conn.execute(
                "SELECT e.id, e.mentions FROM entities e WHERE e.name = ? COLLATE NOCASE OR e.id IN"
                " (SELECT entity_id FROM entity_variants WHERE text = ? COLLATE NOCASE)", (text, text)).fetchall():
            if best is None or count > best[1]:
                best = (entity_id, count)
        if best is None and folded:
            # Accents and punctuation: 'Sigrun Halldorsdottir' finds 'Sigrún Halldórsdóttir'.
            keys = linking.block_keys(text, "PERSON") | linking.block_keys(text, "ORG")
            for cand in self._candidates(keys):
                if folded in cand.folded and (best is None or cand.mentions > best[1]):
                    best = (cand.id, cand.mentions)
        return best[0] if best else None

    def spellings(self, text: str) -> list[str]:
        """Every spelling of the entity that ``text`` is exactly a spelling of (empty if none or ambiguous)."""
        owners = {r[0] for r in self.conn.execute(
            "SELECT entity_id FROM entity_variants WHERE text = ? COLLATE NOCASE AND count > 0", (text.strip(),))}
        if len(owners) != 1:
            return []
        return [r[0] for r in self.conn.execute(
            "SELECT text FROM entity_variants WHERE entity_id = ? AND count > 0 ORDER BY count DESC", (owners.pop(),))]

    def get_entity(self, key: str | int) -> dict | None:
        entity_id = self.find_entity(key)
        if entity_id is None:
            return None
        row = self.conn.execute(f"{self._ENTITY_SELECT} WHERE e.id = ?", (entity_id,)).fetchone()
        if row is None:
            return None
        entity = self._entity_summary(row)
        entity["article_count"] = entity["articles"]
        entity["articles"] = [dict(r) for r in self.conn.execute(
            "SELECT a.id, a.external_id, a.title, a.published, a.source, count(*) AS mentions FROM mentions m"
            " JOIN articles a ON a.id = m.article_id WHERE m.entity_id = ? GROUP BY a.id"
            " ORDER BY a.published IS NULL, a.published, a.id", (entity_id,))]
        entity["quotes"] = self.list_quotes(speaker_id=entity_id, limit=None)
        return entity

    def list_quotes(self, speaker_id: int | None = None, article_id: int | None = None, limit: int | None = 100,
                    offset: int = 0, direct: bool | None = None, ids: list[int] | None = None) -> list[dict]:
        """Quotes in publication order. Across articles, a quote that near-duplicate copies repeat word for
        word is listed once (the first stored), with ``copies`` saying how many other copies carry it;
        one article's quotes (``article_id``) are all its own."""
        # The same words in another article of the same near-duplicate group, stored earlier / at all.
        same_words = ("FROM quotes q2 JOIN articles a2 ON a2.id = q2.article_id WHERE a.dup_group IS NOT NULL"
                      " AND a2.dup_group = a.dup_group AND q2.text = q.text")
        clauses = [f"NOT EXISTS (SELECT 1 {same_words} AND q2.id < q.id)"] if article_id is None else []
        params: list = []
        if ids is not None:
            clauses.append(f"q.id IN ({','.join('?' * len(ids))})")
            params.extend(ids)
        if speaker_id is not None:
            clauses.append("q.speaker_id = ?")
            params.append(speaker_id)
        if article_id is not None:
            clauses.append("q.article_id = ?")
            params.append(article_id)
        if direct is not None:
            clauses.append("q.direct = ?")
            params.append(int(direct))
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        sql = (f"SELECT q.*, a.external_id, a.published, e.name AS speaker_name,"
               f" (SELECT count(*) {same_words} AND q2.id != q.id) AS copies FROM quotes q"
               " JOIN articles a ON a.id = q.article_id LEFT JOIN entities e ON e.id = q.speaker_id"
               f"{where} ORDER BY a.published IS NULL, a.published, q.article_id, q.start"
               + _limit_sql(limit, offset))
        return [{
            "id": r["id"], "article_id": r["article_id"], "external_id": r["external_id"],
            "published": r["published"],
            "speaker": {"id": r["speaker_id"], "name": r["speaker_name"]} if r["speaker_id"] else None,
            "speaker_text": r["speaker_text"], "text": r["text"], "cue": r["cue"],
            "start": r["start"], "end": r["end"], "direct": bool(r["direct"]), "copies": r["copies"],
        } for r in self.conn.execute(sql, params).fetchall()]

