"""Every quotable thought of an index, checked as answers are: the cut check without questions.

Answers and "Fundstellen zum Prüfen" quote only whole thoughts of retrieved chunks
(`assistant.answer.extractive.quotable_thoughts`). Checking each thought of each chunk, as the
statement and the quote it would become, finds what no question set happens to ask for.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from assistant.answer.extractive import quotable_thoughts
from assistant.services import Services
from assistant.store.sentences import segment
from evals.checks import (
    answer_pieces,
    cut_inside,
    headless_item,
    opens_with_reference,
    runs_into_item,
)

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


def scan(services: Services) -> dict[str, Any]:
    """Counts of chunks, quotable thoughts and thoughts failing each check, with examples."""
    store = services.engine.sentences
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}

    def check(batch: list[Any]) -> None:
        texts = [r.text for r in batch]
        all_spans = store.spans_of(texts) if store is not None else [segment(t) for t in texts]
        for record, spans in zip(batch, all_spans, strict=True):
            law = "law" in record.metadata
            for _, _, a, b in quotable_thoughts(record.text, spans, law):
                counts["thoughts"] += 1
                for kind in faults(record.text[a:b].strip()):
                    counts[kind] += 1
                    section = record.metadata.get("section") or ""
                    place = f"{record.doc_id} {section} {record.chunk_id}"
                    if len(examples.setdefault(kind, [])) < EXAMPLES:
                        examples[kind].append(place)

    batch: list[Any] = []
    for record in services.retriever.index.manifest.iter_chunks():
        counts["chunks"] += 1
        batch.append(record)
        if len(batch) == BATCH:
            check(batch)
            batch = []
    check(batch)
    kinds = ("cut", "headless_item", "runs_into_item", "opens_with_reference")
    return {
        "chunks": counts["chunks"],
        "thoughts": counts["thoughts"],
        **{kind: counts[kind] for kind in kinds},
        "examples": examples,
    }


def report_lines(results: dict[str, Any]) -> list[str]:
    """The report's table of the scans in the eval results (none: no lines)."""
    scans = {
        name: results[key]
        for name, key in (("laws", "quotable_laws"), ("starter corpus", "quotable_starter"))
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
