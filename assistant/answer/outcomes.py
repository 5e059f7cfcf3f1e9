"""What each outcome says: abstention, "Fundstellen zum Prüfen", answers in several parts."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from assistant.answer.confidence import (
    beyond_laws_met,
    land_unmet,
    query_terms,
    scope_unmet,
    stand_date,
    subject_unmet,
)
from assistant.answer.extractive import SpansOf, compose, passages
from assistant.answer.models import Citation, Part
from assistant.answer.wording import (
    ABSTAIN_TEXT,
    ANSWERED_DESPITE_TEXT,
    BEYOND_LAWS_TEXT,
    CANDIDATES_INTRO,
    FEDERAL_SUBJECT_TEXT,
    LAND_SUBJECT_TEXT,
    LAND_TEXT,
    OTHER_RULES_TEXT,
    PRESENT_DATED_TEXT,
    SCOPE_NONE_TEXT,
    SCOPE_TEXT,
)
from assistant.domain import Outcome
from assistant.retrieval.beyond_laws import PRESENT
from assistant.retrieval.lands import land_names, lands_named
from assistant.retrieval.results import SearchResult
from assistant.store.lexical import LexicalIndex

MAX_CANDIDATES = 5


def rules_lead(language: str, other_rules: list[str]) -> str:
    """'Ihre Frage nennt eine Regelung, …: „TVöD“.' ("" when the question names no rule outside
    the sources); the rule is quoted as typed, so its case need not fit the sentence."""
    if not other_rules:
        return ""
    named = other_rules[:3]
    rules = ", ".join(f"„{rule}“" if language == "de" else f'"{rule}"' for rule in named)
    lead = OTHER_RULES_TEXT.get(language, OTHER_RULES_TEXT["de"])[len(named) > 1]
    return lead.format(rules=rules)


def abstain_text(language: str, result: SearchResult) -> str:
    """The hand-off, saying why when it can: the rule the sources lack that the question names,
    what the law texts it met do not record, or the Land none of its passages names."""
    text = ABSTAIN_TEXT.get(language, ABSTAIN_TEXT["de"])
    lead = rules_lead(language, result.parsed.other_rules)
    beyond = beyond_laws_met(result)
    if not lead and beyond in BEYOND_LAWS_TEXT:
        texts = BEYOND_LAWS_TEXT[beyond]
        lead = texts.get(language, texts["de"])
        if beyond == PRESENT:
            lead = _dated_lead(language, result) or lead
    if not lead:
        lead = _scope_lead(language, result) or _subject_lead(language, result)
    if not lead:
        lead = _land_lead(language, land_unmet(result))
    return f"{lead} {text}" if lead else text


def _scope_lead(language: str, result: SearchResult) -> str:
    """'Ihre Frage betrifft die Polizei eines Landes; die Vorschriften, die ich dazu finde
    (BPolHfV), gelten nur für die Bundespolizei. …' ("" when the leading law applies)."""
    found = scope_unmet(result)
    if found is None:
        return ""
    english = language == "en"
    joiner = " and " if english else " und "
    covered = joiner.join(g.label_en if english else g.label for g in found.covered)
    law = str(result.hits[0].chunk.metadata.get("law", found.law))
    if found.asked is None:
        return SCOPE_NONE_TEXT["en" if english else "de"].format(law=law, covered=covered)
    asked = found.asked.label_en if english else found.asked.label
    rule = found.asked.rule_en if english else found.asked.rule
    text = SCOPE_TEXT["en" if english else "de"]
    return text.format(asked=asked, law=law, covered=covered, rule=rule)


def _subject_lead(language: str, result: SearchResult) -> str:
    """'Ihre Frage gilt einer Sache, die das Landesrecht regelt – das Feuerwehrgesetz des
    Landes (hier: Bayern); …', or '… die das Wohngeldgesetz (WoGG) regelt; …' ("" when the
    question names no such subject, or its passages do)."""
    subject = subject_unmet(result)
    if subject is None:
        return ""
    if subject.federal:
        text = FEDERAL_SUBJECT_TEXT.get(language, FEDERAL_SUBJECT_TEXT["de"])
        return text.format(label=subject.label if language == "de" else _english(subject.label))
    names = land_names(lands_named(result.parsed.text), language)
    where = f" ({'here' if language == 'en' else 'hier'}: {names})" if names else ""
    text = LAND_SUBJECT_TEXT.get(language, LAND_SUBJECT_TEXT["de"])
    return text.format(label=subject.label, land=where)


def _english(label: str) -> str:
    """'das Wohngeldgesetz (WoGG)' → 'the Wohngeldgesetz (WoGG)'."""
    article, _, rest = label.partition(" ")
    return f"the {rest}" if article in ("das", "die", "der") and rest else label


def outside_notice(language: str, result: SearchResult) -> str | None:
    """For an answer to a question that names a rule or a matter the sources lack: which, and
    that the answer rests on the sources alone (None when it names none)."""
    lead = rules_lead(language, result.parsed.other_rules) or _subject_lead(language, result)
    if not lead:
        return None
    return f"{lead} {ANSWERED_DESPITE_TEXT.get(language, ANSWERED_DESPITE_TEXT['de'])}"


def _land_lead(language: str, codes: set[str]) -> str:
    """'Ihre Frage bezieht sich auf Bayern; …' ("" when it names no Land)."""
    if not codes:
        return ""
    names = land_names(codes, language)
    text = LAND_TEXT.get(language, LAND_TEXT["de"])
    return text[0].format(land=names) if names else text[1]


def _dated_lead(language: str, result: SearchResult) -> str:
    """'… die nächstliegende Quelle hat Stand 24.07.2024 (BundID …), …' for the best-ranked
    dated document among the leading passages ("" when they are law texts only)."""
    for hit in result.hits[:3]:
        stand = stand_date(hit.chunk.metadata.get("stand_num"))
        if stand is None or hit.chunk.metadata.get("law"):
            continue
        title = hit.chunk.metadata.get("title", hit.chunk.doc_id)
        shown = stand.isoformat() if language == "en" else f"{stand:%d.%m.%Y}"
        text = PRESENT_DATED_TEXT.get(language, PRESENT_DATED_TEXT["de"])
        return text.format(stand=shown, title=title)
    return ""


def candidates_text(citations: list[Citation], language: str, result: SearchResult) -> str:
    """The intro and one line per candidate: '[1] VwVfG § 20 Ausgeschlossene Personen', after
    the rule outside the sources or the Land the passages do not name, if any."""
    lead = (
        rules_lead(language, result.parsed.other_rules)
        or _subject_lead(language, result)
        or _land_lead(language, land_unmet(result))
    )
    intro = CANDIDATES_INTRO.get(language, CANDIDATES_INTRO["de"])
    lines = [f"{lead} {intro}" if lead else intro]
    lines += [f"[{c.n}] {c.label()}" for c in citations]
    return "\n".join(lines)


def merge_parts(
    parts: list[tuple[str, str, list[Citation]]], language: str
) -> tuple[str, list[Citation]]:
    """Several answers in one: a block per question, citations numbered across the blocks."""
    heading = "Frage" if language == "de" else "Question"
    blocks: list[str] = []
    merged: list[Citation] = []
    by_chunk: dict[str, int] = {}
    for number, (asked, text, citations) in enumerate(parts, 1):
        mapping: dict[int, int] = {}
        for citation in citations:
            n = by_chunk.get(citation.chunk_id)
            if n is None:
                n = len(merged) + 1
                by_chunk[citation.chunk_id] = n
                merged.append(replace(citation, n=n))
            mapping[citation.n] = n
        renumbered = _renumber(text, mapping)
        blocks.append(f"{heading} {number}: {asked}\n{renumbered}")
    return "\n\n".join(blocks), merged


def _renumber(text: str, mapping: dict[int, int]) -> str:
    """[n] markers mapped to their new numbers (in one pass, so swaps are safe)."""
    return re.sub(r"\[(\d+)\]", lambda m: f"[{mapping.get(int(m.group(1)), m.group(1))}]", text)


def candidate_citations(lexical: LexicalIndex, part: Part, spans_of: SpansOf) -> list[Citation]:
    """The most likely §§/passages, one per section, each quoting its best sentence."""
    terms = query_terms(lexical, part.result)
    citations: list[Citation] = []
    for hit in part.hits[:MAX_CANDIDATES]:
        best = passages(lexical, terms, [hit], spans_of)
        quote = best[0].text if best else ""  # no whole sentence in it: the label says where
        citations.append(Citation.from_hit(len(citations) + 1, hit, quote))
    return citations


def several_parts(
    lexical: LexicalIndex,
    parts: list[Part],
    language: str,
    spans_of: SpansOf,
    candidates: Callable[[Part], list[Citation]],
) -> tuple[str, list[Citation], list[dict[str, Any]], Outcome]:
    """Text, citations, per-part summary and overall outcome of a many-part answer."""
    blocks: list[tuple[str, str, list[Citation]]] = []
    summary: list[dict[str, Any]] = []
    for part in parts:
        if part.outcome == Outcome.ANSWER:
            text, cites = compose(lexical, part.result, part.hits, language, spans_of)
        elif part.outcome == Outcome.CANDIDATES:
            cites = candidates(part)
            text = candidates_text(cites, language, part.result)
        else:
            text, cites = abstain_text(language, part.result), []
        blocks.append((part.asked, text, cites))
        summary.append(
            {
                "question": part.asked,
                "outcome": str(part.outcome),
                "confidence": round(part.confidence, 3),
            }
        )
    text, citations = merge_parts(blocks, language)
    for entry, (_, _, cites) in zip(summary, blocks, strict=True):
        wanted = {c.chunk_id for c in cites}
        entry["citations"] = [c.n for c in citations if c.chunk_id in wanted]
    outcomes = {Outcome(s["outcome"]) for s in summary}
    overall = next(o for o in Outcome if o in outcomes)  # answer > candidates > abstain
    return text, citations, summary, overall


def distinct_parts(parts: list[Part], listed: list[bool] | None = None) -> list[Part]:
    """Questions of one input that lead to the same source are one question, unless the asker
    listed them as separate items ("1. …", "Erstens: …"; listed: per part)."""
    items = listed or [False] * len(parts)
    kept: list[Part] = []
    kept_listed: list[bool] = []
    first: dict[tuple[str, Any], int] = {}
    for part, item in zip(parts, items, strict=True):
        top = part.hits[0].chunk if part.hits else None
        key = (top.doc_id, top.metadata.get("section") or top.chunk_id) if top else None
        at = first.get(key) if key is not None else None
        if at is not None and not (item and kept_listed[at]):
            kept[at].asked = f"{kept[at].asked} {part.asked}"
            continue
        if key is not None:
            first.setdefault(key, len(kept))
        kept.append(part)
        kept_listed.append(item)
    return kept
