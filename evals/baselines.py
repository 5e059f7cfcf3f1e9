"""Reference pipelines on the same data: BM25 only, and the LangChain quick-start."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.providers.embeddings import CachedEmbeddings
from assistant.store.lexical import LexicalIndex

_SECTION_HEADING = re.compile(r"^#+\s*(§+\s*\d+\s?[a-z]?|Art\.?\s*\d+)", re.MULTILINE)


@dataclass
class BaselineChunk:
    """A quick-start chunk and the sections its text covers."""

    doc_id: str
    text: str
    sections: list[str]


def _section_label(raw: str) -> str:
    raw = re.sub(r"\s+", "", raw)
    if raw.lower().startswith("art"):
        return "Art. " + re.sub(r"(?i)^art\.?", "", raw)
    return "§ " + raw.lstrip("§")


def quickstart_chunks(files: Sequence[tuple[str, str]]) -> list[BaselineChunk]:
    """RecursiveCharacterTextSplitter(1000, 200) over raw file texts, as a quick-start does."""
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=1000, chunk_overlap=200, add_start_index=True
    )
    chunks: list[BaselineChunk] = []
    for doc_id, text in files:
        headings = [
            (m.start(), _section_label(m.group(1))) for m in _SECTION_HEADING.finditer(text)
        ]
        for doc in splitter.create_documents([text]):
            start = int(doc.metadata["start_index"])
            end = start + len(doc.page_content)
            current = [label for pos, label in headings if pos <= start][-1:]
            inside = [label for pos, label in headings if start < pos < end]
            chunks.append(BaselineChunk(doc_id, doc.page_content, current + inside))
    return chunks


class QuickstartRetriever:
    """Dense-only retrieval over quick-start chunks with the same embedding model."""

    def __init__(self, chunks: list[BaselineChunk], embeddings: CachedEmbeddings) -> None:
        self.chunks = chunks
        self.embeddings = embeddings
        self.matrix = embeddings.embed_passages([c.text for c in chunks])

    def search(self, query: str, k: int = 10) -> list[BaselineChunk]:
        """Top-k chunks by cosine similarity."""
        scores = self.matrix @ self.embeddings.query_vector(query)
        top = np.argsort(-scores)[:k]
        return [self.chunks[i] for i in top]


class Bm25Retriever:
    """BM25 only, over the same quick-start chunks, with our German analyzer."""

    def __init__(self, chunks: list[BaselineChunk]) -> None:
        self.chunks = chunks
        self.index = LexicalIndex.build(((str(i), c.text) for i, c in enumerate(chunks)), "0")

    def search(self, query: str, k: int = 10) -> list[BaselineChunk]:
        """Top-k chunks by BM25."""
        return [self.chunks[int(cid)] for cid, _ in self.index.search(query, k)]


def rrf(rankings: Sequence[Sequence[BaselineChunk]], k: int = 10) -> list[BaselineChunk]:
    """Reciprocal rank fusion of several rankings (object identity)."""
    scores: dict[int, float] = {}
    by_id: dict[int, BaselineChunk] = {}
    for ranking in rankings:
        for rank, chunk in enumerate(ranking):
            scores[id(chunk)] = scores.get(id(chunk), 0.0) + 1.0 / (60 + rank + 1)
            by_id[id(chunk)] = chunk
    return [by_id[i] for i in sorted(scores, key=lambda i: -scores[i])[:k]]


def read_files(folder: Path) -> list[tuple[str, str]]:
    """(doc_id, text) of the Markdown files of a folder, doc_id = file stem."""
    return [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.md"))]


def as_items(chunks: Sequence[BaselineChunk]) -> list[dict[str, Any]]:
    """Result items for the gold matchers: one per covered section."""
    return [
        {
            "doc_id": c.doc_id,
            "section": c.sections[0] if c.sections else None,
            "sections": c.sections,
        }
        for c in chunks
    ]


def score_baselines(
    chunks: list[BaselineChunk],
    embeddings: CachedEmbeddings,
    sets: dict[str, list[dict[str, Any]]],
    covered: Callable[[dict[str, Any], dict[str, Any]], bool],
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """hit@k and MRR of BM25 only and of the quick-start per question set ("bm25" + suffix)."""
    from evals.metrics import first_hit_rank, retrieval_scores

    pipelines: dict[str, Bm25Retriever | QuickstartRetriever] = {
        "bm25": Bm25Retriever(chunks),
        "quickstart_dense": QuickstartRetriever(chunks, embeddings),
    }
    out: dict[str, Any] = {}
    for suffix, questions in sets.items():
        for name, retriever in pipelines.items():
            ranks = [
                first_hit_rank(as_items(retriever.search(q["q"], 10)), lambda i, q=q: covered(i, q))
                for q in questions
            ]
            out[name + suffix] = retrieval_scores(ranks)
            log(f"  {name + suffix}: {out[name + suffix]}")
    return out
