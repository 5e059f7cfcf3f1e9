"""BM25 lexical index over chunk texts, persisted in the data dir and rebuilt when stale."""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from assistant.store.analysis import GermanAnalyzer, build_vocabulary

K1 = 1.2
B = 0.75
FORMAT = 4  # 4: names of the public documents


class LexicalIndex:
    """Okapi BM25 over German terms; scores all chunks with one sparse product."""

    def __init__(
        self,
        chunk_ids: list[str],
        terms: dict[str, int],
        weights: sp.csc_matrix,
        analyzer: GermanAnalyzer,
        generation: str,
        title_weights: sp.csc_matrix | None = None,
        names: Mapping[str, str] | None = None,
    ) -> None:
        self.chunk_ids = chunk_ids
        self.terms = terms
        self.weights = weights
        self.title_weights = (
            title_weights if title_weights is not None else sp.csc_matrix(weights.shape)
        )
        self.analyzer = analyzer
        self.generation = generation
        self.names = dict(names or {})  # 'bundid' → 'BundID': to read questions typed in lower case
        self._position = {cid: i for i, cid in enumerate(chunk_ids)}
        self._df = np.diff(weights.indptr) if weights.shape[1] else np.zeros(0, dtype=np.int64)

    def idf(self, term: str) -> float:
        """Inverse document frequency of an analysed term (unknown terms get the maximum)."""
        n = max(len(self.chunk_ids), 1)
        col = self.terms.get(term)
        df = float(self._df[col]) if col is not None else 0.0
        return float(np.log(1.0 + (n - df + 0.5) / (df + 0.5)))

    def mentions(self, name: str, allowed: set[str] | None = None) -> bool:
        """Whether the sources contain every word of a name as a whole word (not only its parts);
        with `allowed`, only those chunks count (what the principal may see)."""
        groups = self.analyzer.word_terms(name)
        if not groups:
            return False
        for group in groups:
            col = self.terms.get(group[0])
            if col is None:
                return False
            if allowed is not None and not any(
                self.chunk_ids[row] in allowed for row in self._rows(col)
            ):
                return False
        return True

    def mentioned_with(
        self, name: str, places: Sequence[str], allowed: set[str] | None = None
    ) -> bool:
        """Whether one chunk contains every word of a name and every word of one of the places
        ("E-Government-Gesetz" beside "NRW" or "Nordrhein-Westfalen"); `allowed` as above."""
        rows = self._chunks_with(name)
        if not rows:
            return False
        beside = set().union(*(self._chunks_with(place) for place in places))
        return any(allowed is None or self.chunk_ids[row] in allowed for row in rows & beside)

    def _chunks_with(self, text: str) -> set[int]:
        """The rows of the chunks that contain every word of a text as a whole word."""
        found: set[int] | None = None
        for group in self.analyzer.word_terms(text):
            col = self.terms.get(group[0])
            rows = set(self._rows(col).tolist()) if col is not None else set()
            found = rows if found is None else found & rows
            if not found:
                return set()
        return found or set()

    def _rows(self, col: int) -> np.ndarray:
        """The rows of the chunks that contain the term of a column."""
        return self.weights.indices[self.weights.indptr[col] : self.weights.indptr[col + 1]]

    def __len__(self) -> int:
        return len(self.chunk_ids)

    @classmethod
    def build(
        cls,
        items: Iterable[tuple[str, str]],
        generation: str,
        titles: Mapping[str, str] | None = None,
        names: Mapping[str, str] | None = None,
    ) -> LexicalIndex:
        """Index (chunk_id, text) pairs; titles maps chunk ids to a section title field."""
        pairs = list(items)
        analyzer = GermanAnalyzer(build_vocabulary(text for _, text in pairs))
        terms: dict[str, int] = {}
        body = _bm25([analyzer.terms(text) for _, text in pairs], terms)
        titles = titles or {}
        title = _bm25([analyzer.terms(titles.get(cid, "")) for cid, _ in pairs], terms)
        shape = (len(pairs), len(terms))
        return cls(
            [cid for cid, _ in pairs],
            terms,
            _resize(body, shape),
            analyzer,
            generation,
            _resize(title, shape),
            names,
        )

    def _query(self, query: str, extra_terms: Sequence[tuple[str, float]]) -> dict[int, float]:
        """Column -> weight of the query's terms (repeats add up, extra terms at their weight)."""
        weighted: dict[int, float] = {}
        for term in self.analyzer.terms(query):
            col = self.terms.get(term)
            if col is not None:
                weighted[col] = weighted.get(col, 0.0) + 1.0
        for text, weight in extra_terms:
            for term in self.analyzer.terms(text):
                col = self.terms.get(term)
                if col is not None:
                    weighted[col] = max(weighted.get(col, 0.0), weight)
        return weighted

    def search(
        self,
        query: str,
        k: int,
        allowed: Sequence[bool] | np.ndarray | None = None,
        extra_terms: Sequence[tuple[str, float]] = (),
    ) -> list[tuple[str, float]]:
        """Top-k (chunk_id, score); allowed masks chunks by position; extra terms are weighted."""
        if not self.chunk_ids:
            return []
        weighted = self._query(query, extra_terms)
        if not weighted:
            return []
        cols = list(weighted)
        q = np.asarray([weighted[c] for c in cols], dtype=np.float32)
        scores = np.asarray(self.weights[:, cols] @ q).ravel()
        if allowed is not None:
            scores = np.where(np.asarray(allowed, dtype=bool), scores, 0.0)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(self.chunk_ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def title_scores(
        self, query: str, chunk_ids: Sequence[str], extra_terms: Sequence[tuple[str, float]] = ()
    ) -> dict[str, float]:
        """Section-title match of the given chunks (> 0 only): each query word counts once."""
        groups: dict[tuple[int, ...], float] = {}
        for text, weight in [(query, 1.0), *extra_terms]:
            for word in self.analyzer.word_terms(text):
                cols = tuple(sorted({self.terms[t] for t in word if t in self.terms}))
                if cols:
                    groups[cols] = max(groups.get(cols, 0.0), weight)
        rows = [(cid, self._position[cid]) for cid in chunk_ids if cid in self._position]
        if not groups or not rows:
            return {}
        columns = sorted({c for cols in groups for c in cols})
        where = {c: i for i, c in enumerate(columns)}
        sub = self.title_weights[:, columns].tocsr()[[pos for _, pos in rows]].toarray()
        scores = np.zeros(len(rows), dtype=np.float32)
        for cols, weight in groups.items():
            scores += weight * sub[:, [where[c] for c in cols]].max(axis=1)
        return {cid: float(s) for (cid, _), s in zip(rows, scores, strict=True) if s > 0}

    def position(self, chunk_id: str) -> int | None:
        """Row of a chunk in the index."""
        return self._position.get(chunk_id)

    def save(self, folder: Path) -> None:
        """Write atomically: a temp folder renamed over the old one."""
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = folder.with_name(f"{folder.name}.tmp-{os.getpid()}-{threading.get_ident()}")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        sp.save_npz(tmp / "weights.npz", self.weights.tocsc())
        sp.save_npz(tmp / "title_weights.npz", self.title_weights.tocsc())
        (tmp / "index.json").write_text(
            json.dumps(
                {
                    "format": FORMAT,
                    "generation": self.generation,
                    "chunk_ids": self.chunk_ids,
                    "terms": list(self.terms),
                    "vocabulary": sorted(self.analyzer.vocabulary),
                    "names": self.names,
                },
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        old = folder.with_name(f"{folder.name}.old-{os.getpid()}-{threading.get_ident()}")
        if folder.exists():
            folder.rename(old)
        tmp.rename(folder)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex | None:
        """Read a saved index; None when absent or unreadable (it is then rebuilt)."""
        try:
            meta = json.loads((folder / "index.json").read_text(encoding="utf-8"))
            if meta.get("format") != FORMAT:
                return None
            weights = sp.load_npz(folder / "weights.npz").tocsc()
            title_weights = sp.load_npz(folder / "title_weights.npz").tocsc()
        except (OSError, ValueError, KeyError):
            return None
        terms = {t: i for i, t in enumerate(meta["terms"])}
        analyzer = GermanAnalyzer(meta["vocabulary"])
        return cls(
            meta["chunk_ids"],
            terms,
            weights,
            analyzer,
            meta["generation"],
            title_weights,
            meta["names"],
        )


def _bm25(docs: list[list[str]], terms: dict[str, int]) -> sp.coo_matrix:
    """Okapi BM25 weights (rows = docs); new terms are added to the shared term columns."""
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    lengths = np.zeros(len(docs), dtype=np.float32)
    for row, doc_terms in enumerate(docs):
        counts: dict[int, int] = {}
        lengths[row] = len(doc_terms)
        for term in doc_terms:
            col = terms.setdefault(term, len(terms))
            counts[col] = counts.get(col, 0) + 1
        rows.extend([row] * len(counts))
        cols.extend(counts.keys())
        vals.extend(counts.values())
    tf = sp.coo_matrix(
        (np.asarray(vals, dtype=np.float32), (rows, cols)), shape=(len(docs), len(terms))
    )
    tf.sum_duplicates()
    df = np.bincount(tf.col, minlength=len(terms)).astype(np.float32)
    n_docs = max(int(np.count_nonzero(lengths)), 1)
    idf = np.log(1.0 + (n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
    nonempty = lengths[lengths > 0]
    avg = float(nonempty.mean()) if len(nonempty) else 1.0
    norm = K1 * (1 - B + B * lengths / max(avg, 1e-6))
    data = tf.data * (K1 + 1) / (tf.data + norm[tf.row]) * idf[tf.col]
    return sp.coo_matrix((data.astype(np.float32), (tf.row, tf.col)), shape=tf.shape)


def _resize(matrix: sp.coo_matrix, shape: tuple[int, int]) -> sp.csc_matrix:
    """The matrix padded with empty columns for terms added after it was built."""
    return sp.csc_matrix((matrix.data, (matrix.row, matrix.col)), shape=shape)
