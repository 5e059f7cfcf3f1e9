"""The question register: everyday questions per § (doc2query), matched against the question.

Two sources: the register the team wrote for the core municipal laws (assistant/data/register,
one JSONL file per law) and questions the configured LLM generated per § (`lotse enrich`,
stored in the data dir). A question is matched against them densely (e5, query to query) and
lexically (BM25); each § scores by its best matching question.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

from assistant.providers.embeddings import CachedEmbeddings
from assistant.store.enrichment import EnrichmentStore
from assistant.store.lexical import LexicalIndex
from assistant.store.manifest import law_key_of

SectionKey = tuple[str, str]  # (law key, "§ 3a")


@dataclass(frozen=True)
class RegisterEntry:
    """One everyday question that a § answers."""

    law: str  # law key ("vwvfg")
    section: str
    question: str
    origin: str  # "team" | "llm"


def bundled_entries() -> list[RegisterEntry]:
    """The register shipped with Digitallotse (written by the team, not from eval questions)."""
    folder = resources.files("assistant") / "data" / "register"
    entries: list[RegisterEntry] = []
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if not item.name.endswith(".jsonl"):
            continue
        entries.extend(read_entries(item.read_text(encoding="utf-8"), "team"))
    return entries


def read_entries(text: str, origin: str) -> list[RegisterEntry]:
    """Entries of a register file: {"law": "VwVfG", "section": "§ 20", "questions": [...]}."""
    out: list[RegisterEntry] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        key = law_key_of(str(row["law"]))
        out.extend(
            RegisterEntry(key, str(row["section"]), str(q), origin) for q in row["questions"]
        )
    return out


@dataclass
class RegisterMatch:
    """Sections ranked by how well their register questions match, and the best single match."""

    dense: list[tuple[SectionKey, float]]
    lexical: list[tuple[SectionKey, float]]
    best: float = 0.0  # similarity of the closest single register question


class QuestionRegister:
    """Register entries of the laws in the index, with their vectors and a BM25 index."""

    def __init__(
        self, entries: Iterable[RegisterEntry], embeddings: CachedEmbeddings, laws: set[str]
    ) -> None:
        self.entries = [e for e in entries if e.law in laws]
        self.laws = frozenset(e.law for e in self.entries)  # the laws with questions
        self.sections: list[SectionKey] = sorted({(e.law, e.section) for e in self.entries})
        where = {key: i for i, key in enumerate(self.sections)}
        self._section_of = np.asarray(
            [where[(e.law, e.section)] for e in self.entries], dtype=np.int64
        )
        texts = [e.question for e in self.entries]
        self._vectors = (
            embeddings.embed_passages(texts, kind="query")
            if texts
            else np.zeros((0, 384), dtype=np.float32)
        )
        self._lexical = LexicalIndex.build(((str(i), t) for i, t in enumerate(texts)), "register")

    def __len__(self) -> int:
        return len(self.entries)

    def match(
        self, question: str, vector: np.ndarray, k: int = 30, temperature: float = 0.0
    ) -> RegisterMatch:
        """The k sections whose register questions are closest (dense) and share most words.

        A section's dense score is its questions' similarities pooled by a soft maximum
        (log-sum-exp at this temperature; 0: the best one alone): a § several of whose
        questions come close ranks above one that a single question matches by chance.
        """
        if not self.entries:
            return RegisterMatch([], [])
        sims = self._vectors @ vector.astype(np.float32)
        if temperature > 0:
            mass = np.bincount(
                self._section_of,
                weights=np.exp((sims - 1.0) * temperature),
                minlength=len(self.sections),
            )
            scores = np.log(mass) / temperature + 1.0
        else:
            scores = np.full(len(self.sections), -1.0, dtype=np.float32)
            np.maximum.at(scores, self._section_of, sims)
        top = np.argsort(-scores, kind="stable")[:k]
        dense = [(self.sections[i], float(scores[i])) for i in top]
        lexical: dict[SectionKey, float] = {}
        for entry_id, score in self._lexical.search(question, 4 * k):
            key = self.sections[self._section_of[int(entry_id)]]
            lexical[key] = max(lexical.get(key, 0.0), score)
        ranked = sorted(lexical.items(), key=lambda item: -item[1])[:k]
        return RegisterMatch(dense, ranked, float(sims.max()))


class RegisterCache:
    """One register per set of indexed laws and generated questions, built on first use."""

    def __init__(
        self, embeddings: CachedEmbeddings, generated: EnrichmentStore | None = None
    ) -> None:
        self.embeddings = embeddings
        self.generated = generated
        self._bundled: list[RegisterEntry] | None = None
        self._current: QuestionRegister | None = None
        self._token: tuple[frozenset[str], int] | None = None
        self._lock = threading.Lock()
        # laws whose questions are left out (the evals fit the models with some laws
        # unregistered, as an uploaded law or one never enriched is)
        self.withheld: frozenset[str] = frozenset()

    def get(self, laws: set[str]) -> QuestionRegister:
        """The register for these law keys (rebuilt when laws or generated questions change)."""
        stamp = self.generated.stamp() if self.generated is not None else 0
        registered = frozenset(laws) - self.withheld
        token = (registered, stamp)
        with self._lock:
            if self._current is None or token != self._token:
                if self._bundled is None:
                    self._bundled = bundled_entries()
                entries = list(self._bundled)
                if self.generated is not None:
                    entries += [
                        RegisterEntry(law, section, question, "llm")
                        for law, section, question in self.generated.entries()
                    ]
                self._current = QuestionRegister(entries, self.embeddings, set(registered))
                self._token = token
            return self._current


def _bundled_questions(name: str) -> list[dict[str, Any]]:
    """Rows of a bundled JSONL file in assistant/data (none if it is missing)."""
    path = resources.files("assistant") / "data" / name
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _embed_questions(embeddings: CachedEmbeddings, texts: list[str]) -> np.ndarray:
    """Query vectors of bundled questions (an empty matrix without any)."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return embeddings.embed_passages(texts, kind="query")


class DocumentQuestions:
    """Everyday questions the bundled documents answer (assistant/data/register_documents.jsonl,
    written by the team from the starter corpus, not from eval questions): how close is a
    question to one that a document in the index answers? The question register does this for
    the laws; without it an index of documents gave the doubt model no such reference."""

    def __init__(self, embeddings: CachedEmbeddings) -> None:
        self.embeddings = embeddings
        self._docs: np.ndarray | None = None
        self._vectors = _embed_questions(embeddings, [])
        self._lock = threading.Lock()

    def similarity(self, vector: np.ndarray, docs: frozenset[str]) -> float:
        """Highest similarity to a question of one of these documents (0 without any)."""
        with self._lock:
            if self._docs is None:
                rows = _bundled_questions("register_documents.jsonl")
                pairs = [(str(r["doc"]), str(q)) for r in rows for q in r["questions"]]
                self._docs = np.asarray([d for d, _ in pairs], dtype=object)
                self._vectors = _embed_questions(self.embeddings, [q for _, q in pairs])
        mask = np.fromiter((d in docs for d in self._docs), dtype=bool, count=len(self._docs))
        if not mask.any():
            return 0.0
        return float(np.max(self._vectors[mask] @ vector.astype(np.float32)))


class OffTopic:
    """Questions the knowledge base does not answer (bundled examples): how close is a question?

    Municipal staff also ask about dog tax, Kita fees or cemetery rules; those topics look like
    the corpus to a similarity search. Examples written by the team (assistant/data/
    out_of_scope.jsonl, not from evaluation questions) give the doubt model a second reference.
    """

    def __init__(self, embeddings: CachedEmbeddings) -> None:
        self.embeddings = embeddings
        self._vectors: np.ndarray | None = None
        self._lock = threading.Lock()

    def similarity(self, vector: np.ndarray) -> float:
        """Highest similarity of a question vector to an out-of-scope example (0 without)."""
        with self._lock:
            if self._vectors is None:
                rows = _bundled_questions("out_of_scope.jsonl")
                self._vectors = _embed_questions(self.embeddings, [str(r["q"]) for r in rows])
        if not len(self._vectors):
            return 0.0
        return float(np.max(self._vectors @ vector.astype(np.float32)))
