"""BM25 lexical index over chunk texts, persisted in the data dir and rebuilt when stale."""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from assistant.store.analysis import GermanAnalyzer, build_vocabulary

K1 = 1.2
B = 0.75
FORMAT = 2


class LexicalIndex:
    """Okapi BM25 over German terms; scores all chunks with one sparse product."""

    def __init__(
        self,
        chunk_ids: list[str],
        terms: dict[str, int],
        weights: sp.csc_matrix,
        analyzer: GermanAnalyzer,
        generation: str,
    ) -> None:
        self.chunk_ids = chunk_ids
        self.terms = terms
        self.weights = weights
        self.analyzer = analyzer
        self.generation = generation
        self._position = {cid: i for i, cid in enumerate(chunk_ids)}
        self._df = np.diff(weights.indptr) if weights.shape[1] else np.zeros(0, dtype=np.int64)

    def idf(self, term: str) -> float:
        """Inverse document frequency of an analysed term (unknown terms get the maximum)."""
        n = max(len(self.chunk_ids), 1)
        col = self.terms.get(term)
        df = float(self._df[col]) if col is not None else 0.0
        return float(np.log(1.0 + (n - df + 0.5) / (df + 0.5)))

    def __len__(self) -> int:
        return len(self.chunk_ids)

    @classmethod
    def build(cls, items: Iterable[tuple[str, str]], generation: str) -> LexicalIndex:
        """Index (chunk_id, text) pairs."""
        pairs = list(items)
        analyzer = GermanAnalyzer(build_vocabulary(text for _, text in pairs))
        terms: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        lengths = np.zeros(len(pairs), dtype=np.float32)
        for row, (_, text) in enumerate(pairs):
            counts: dict[int, int] = {}
            doc_terms = analyzer.terms(text)
            lengths[row] = len(doc_terms)
            for term in doc_terms:
                col = terms.setdefault(term, len(terms))
                counts[col] = counts.get(col, 0) + 1
            rows.extend([row] * len(counts))
            cols.extend(counts.keys())
            vals.extend(counts.values())
        n_docs = max(len(pairs), 1)
        tf = sp.csr_matrix(
            (np.asarray(vals, dtype=np.float32), (rows, cols)), shape=(len(pairs), len(terms))
        )
        df = np.bincount(np.asarray(cols, dtype=np.int64), minlength=len(terms)).astype(np.float32)
        idf = np.log(1.0 + (n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        avg = float(lengths.mean()) if len(pairs) else 1.0
        norm = K1 * (1 - B + B * lengths / max(avg, 1e-6))
        tf = tf.tocoo()
        data = tf.data * (K1 + 1) / (tf.data + norm[tf.row]) * idf[tf.col]
        weights = sp.csc_matrix((data.astype(np.float32), (tf.row, tf.col)), shape=tf.shape)
        return cls([cid for cid, _ in pairs], terms, weights, analyzer, generation)

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
        (tmp / "index.json").write_text(
            json.dumps(
                {
                    "format": FORMAT,
                    "generation": self.generation,
                    "chunk_ids": self.chunk_ids,
                    "terms": list(self.terms),
                    "vocabulary": sorted(self.analyzer.vocabulary),
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
        except (OSError, ValueError, KeyError):
            return None
        terms = {t: i for i, t in enumerate(meta["terms"])}
        analyzer = GermanAnalyzer(meta["vocabulary"])
        return cls(meta["chunk_ids"], terms, weights, analyzer, meta["generation"])
