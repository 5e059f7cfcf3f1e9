"""Every quotable thought of an index, checked as answers are: the cut check without questions.

Answers and "Fundstellen zum Prüfen" quote only whole thoughts of retrieved chunks
(`assistant.answer.extractive.quotable_thoughts`). Checking each thought of each chunk, as the
statement and the quote it would become, finds what no question set happens to ask for.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from assistant.answer.extractive import quotable_thoughts
from assistant.config import Settings
from assistant.errors import LoadError
from assistant.services import Services
from assistant.store.manifest_records import ChunkRecord
from assistant.store.sentences import Span, segment
from evals.checks import (
    answer_pieces,
    cut_inside,
    headless_item,
    opens_with_reference,
    runs_into_item,
)
from ingest.chunking import Chunker
from ingest.discovery import discover
from ingest.loaders import load_document
from ingest.pipeline import load_limits

BATCH = 500
EXAMPLES = 10  # places of faulty thoughts kept per kind (doc, §, chunk), never their text


def faults(thought: str) -> list[str]:
    """The checks a thought fails as an answer statement ("… [1]") and as a citation's quote."""
    pieces = answer_pieces(f"{thought} [1]")
    found = []
    if cut_inside(thought) or any(cut_inside(p) for p in pieces):
        found.append("cut")
    if headless_item(thought) or any(headless_item(p) for p in pieces):
        found.append("headless_item")
    if any(runs_into_item(p) for p in pieces):
        found.append("runs_into_item")
    if any(opens_with_reference(p) for p in pieces):
        found.append("opens_with_reference")
    return found


class Tally:
    """Counts of chunks, quotable thoughts and thoughts failing each check, with places."""

    KINDS = ("cut", "headless_item", "runs_into_item", "opens_with_reference")

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.examples: dict[str, list[str]] = {}
        self.unreadable: list[str] = []

    def check(self, text: str, spans: list[Span], law: bool, place: str) -> None:
        """Check every quotable thought of one chunk."""
        self.counts["chunks"] += 1
        for _, _, a, b in quotable_thoughts(text, spans, law):
            self.counts["thoughts"] += 1
            for kind in faults(text[a:b].strip()):
                self.counts[kind] += 1
                if len(self.examples.setdefault(kind, [])) < EXAMPLES:
                    self.examples[kind].append(place)

    def as_dict(self) -> dict[str, Any]:
        """The counts, the places kept and the files that could not be read, for the report."""
        out: dict[str, Any] = {
            "chunks": self.counts["chunks"],
            "thoughts": self.counts["thoughts"],
            **{kind: self.counts[kind] for kind in self.KINDS},
            "examples": self.examples,
        }
        if self.unreadable:
            out["unreadable"] = self.unreadable
        return out


def scan(services: Services) -> dict[str, Any]:
    """Every chunk of an index (its sentence boundaries as answers see them)."""
    store = services.engine.sentences
    tally = Tally()

    def check(batch: list[ChunkRecord]) -> None:
        texts = [r.text for r in batch]
        all_spans = store.spans_of(texts) if store is not None else [segment(t) for t in texts]
        for record, spans in zip(batch, all_spans, strict=True):
            section = record.metadata.get("section") or ""
            place = f"{record.doc_id} {section} {record.chunk_id}"
            tally.check(record.text, spans, "law" in record.metadata, place)

    batch: list[ChunkRecord] = []
    for record in services.retriever.index.manifest.iter_chunks():
        batch.append(record)
        if len(batch) == BATCH:
            check(batch)
            batch = []
    check(batch)
    return tally.as_dict()


def scan_files(folders: list[Path], settings: Settings) -> dict[str, Any]:
    """Every chunk of the documents in folders, loaded and chunked as ingestion does (its
    limits and OCR cache from settings), without storing them."""
    chunker = Chunker(settings.chunk_tokens, settings.chunk_overlap)
    tally = Tally()
    for folder in folders:
        for candidate in discover(folder):
            if candidate.refused:
                tally.unreadable.append(f"{candidate.path.name}: {candidate.refused}")
                continue
            try:
                document = load_document(candidate.path, load_limits(settings))  # a clock per file
            except LoadError as error:  # no text, unsupported: ingestion reports them too
                tally.unreadable.append(f"{candidate.path.name}: {error.reason}")
                continue
            for chunk in chunker.split_document(document, "scan", "other", ""):
                place = f"{candidate.path.name} {chunk.metadata.get('page') or ''}"
                law = bool(chunk.metadata.get("law"))
                tally.check(chunk.text, segment(chunk.text), law, place)
    return tally.as_dict()


def report_lines(results: dict[str, Any]) -> list[str]:
    """The report's table of the scans in the eval results (none: no lines)."""
    scans = {
        name: results[key]
        for name, key in (
            ("laws", "quotable_laws"),
            ("starter corpus", "quotable_starter"),
            ("documents of ../shared (PDF, web; loaded, not indexed)", "quotable_documents"),
        )
        if key in results
    }
    if not scans:
        return []
    lines = [
        "",
        "Every quotable thought of every chunk, checked as a statement and as a quote "
        "(`evals/quotable.py`, no questions needed; `opens with reference` is stricter than the "
        'product, which lets "dieses Abschnitts" stand: the citation names its law):',
        "",
        "| index | chunks | thoughts | cut | headless item | runs into item "
        "| opens with reference |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, o in scans.items():
        lines.append(
            f"| {name} | {o['chunks']} | {o['thoughts']} | {o['cut']} | {o['headless_item']} "
            f"| {o['runs_into_item']} | {o['opens_with_reference']} |"
        )
    return lines
