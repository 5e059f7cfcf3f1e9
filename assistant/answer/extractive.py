"""Extractive answers: whole sentences of the retrieved passages, verbatim, each cited.

A passage is a contiguous piece of a chunk: the sentence that answers, plus what it needs to be
understood — the enumerated items after a sentence that ends in ":", the sentence before one
that refers back ("Dort …", "Dies gilt …"). The answer leads with the best passage; a second
source is only quoted when it addresses the question nearly as well. When the answer quotes one
§ only, the next-ranked § is named after it ("Siehe auch: …"): neighbouring §§ of the right law
are the commonest near miss, and a reader should see the alternative rather than miss it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.answer.confidence import coverage, query_terms
from assistant.answer.models import Citation
from assistant.retrieval.hybrid import Hit, SearchResult
from assistant.retrieval.results import heading_of
from assistant.safety import is_instruction_like
from assistant.store.lexical import LexicalIndex
from assistant.store.sentences import Span

SpansOf = Callable[[list[str]], list[list[Span]]]

MAX_PASSAGES = 3
MAX_SOURCES = 2
MAX_WORDS = 120  # beyond this the answer gets no further passage
CONSIDERED_HITS = 4
SECOND_SOURCE = 0.7  # a second source must score at least this share of the lead
SEE_ALSO = {"de": "Siehe auch", "en": "See also"}
MAX_ITEMS = 8  # enumerated items brought along by a sentence ending in ":"

# an enumerated item, or a "label: value" line (a table row rendered as a sentence)
_ITEM = re.compile(
    r"^\s*(?:\(?\d{1,2}[a-z]?[.)]|[a-z]{1,2}\)|[-–•*]|[IVX]{1,4}\.)\s|^[^.:;]{2,50}:\s"
)
# "Dieses Gesetz" names its own law, which the citation shows
_BACK_WORDS = (
    r"dort|dies|diese[rsnm]?(?!\s+(?:Gesetz|Verordnung|Satzung)\b)|das gilt|dabei|hierzu|"
    r"hierfür|hiervon|danach|daher|deshalb|somit|demnach|dafür|dazu|außerdem|zudem|ferner|"
    r"auch das|ebenso|gleiches gilt"
)
_EARLY_BACK = r"dort|dorthin|daher|deshalb|somit|demnach"
_OWN = (
    r"(?:Gesetz|Gesetzes|Verordnung|Satzung|Vorschrift|Vorschriften|Paragraphen?|Absatz|Absatzes|"
    r"Abschnitts?|Abschnittes|Kapitels?|Teils?|Teiles|Buch|Buches|Richtlinie|Satz|Satzes)"
)
_REFERS_BACK = re.compile(
    rf"^\s*(?:(?i:{_BACK_WORDS}|es|sie|er|this|these|there|it)\b"
    # at a subsection's start only the words that always point back: "(2) Hierfür sind …"
    rf"|\(\d{{1,2}}[a-z]?\)\s*(?i:{_BACK_WORDS})\b"
    # "Das" as a pronoun: a verb follows, not an adjective before its noun ("Das ergibt hohe
    # Zahlen", "Das widerspricht dem …"; not "Das neue Gesetz", "Das in Aussicht genommene …")
    r"|(?i:das)\s+[a-zäöüß]+\b(?!\s+[A-ZÄÖÜ])"
    # … or early in the sentence: "Prüfen Sie dort insbesondere:", "Wer mit diesen Beispielen
    # argumentiert, sollte sich daher …"; "dieses Gesetzes" names its own law
    rf"|(?:\S+\s+){{1,3}}(?i:{_EARLY_BACK})\b"
    rf"|(?:\S+\s+){{1,3}}(?i:diese[nmrs]?)\s+(?!{_OWN}\b)[A-ZÄÖÜ])"
)
# a law's sentence that opens with another sentence of its subsection ("Satz 2 gilt nicht, …",
# "Die Sätze 1 und 2 gelten entsprechend") brings its subsection from the start, "(3) …"; one
# that opens with other subsections ("(3) Die Absätze 1 und 2 gelten …") cannot stand alone
_CITES = re.compile(
    r"^\s*(?P<own>\(\d{1,2}[a-z]?\)\s*)?(?:(?:die|der)\s+)?"
    r"(?:(?P<sentence>Satz|Sätze[ns]?)|Absatz|Absätze[ns]?)\s+\d",
    re.IGNORECASE,
)
_SUBSECTION = re.compile(r"^\s*\(\d{1,2}[a-z]?\)\s")
_BULLET = re.compile(r"[-•*][ \t]")
MAX_ITEM_SENTENCES = 4  # a bullet item longer than this is not quoted whole
MAX_BACK = 3  # sentences a reference may reach back within its subsection


@dataclass
class Passage:
    """A verbatim, contiguous piece of one retrieved chunk."""

    hit_rank: int
    start: int
    end: int
    text: str
    score: float


def _usable(sentence: str) -> bool:
    if is_instruction_like(sentence):
        return False  # text in documents is data: never present an instruction as the answer
    words = re.findall(r"\w+", sentence)
    return len(words) >= 5 and "weggefallen" not in sentence.lower()


_CLOSED = re.compile(r"[.!?][\"“”‘’»«)\]]*$")
# a sentence may end in a reference: "… nach § 22 Absatz 3 und 4."
_REFERENCE_END = re.compile(
    r"(?:§§?|Abs\.|Absatz|Nr\.|Nummer|Satz|Art\.|Artikel|Anlage)\s*\d+[a-z]?"
    r"(?:\s*(?:,|und|oder|bis)\s*\d+[a-z]?)*\.$"
)
# a list item's number with nothing after it: the chunk ends inside an enumeration ("… und 3.")
_OPEN_ITEM = re.compile(
    r"(?<!Abs\.)(?<!Absatz)(?<!Nr\.)(?<!Satz)(?<!§)(?<!Art\.)(?<!S\.)(?<!Anlage)"
    r"(?:^|\s)(?:\d{1,2}[a-z]?\.|[a-z]{1,2}\))$"
)

# abbreviations no German sentence ends with: a span ending in one was cut by the segmenter
# ("Zuletzt geändert durch: Art." | "16 G v. 28.6.2021"); "ähnlicher Art." is the noun
_ABBREVIATION_END = re.compile(
    r"(?:^|[\s(:])(?:Art|Abs|Nr|Ziff|lit|Buchst|S|Satz|vgl|ggf|bzw|ca|gem|sog|inkl|zzgl|bzgl|"
    r"Dr|Prof|Mio|Mrd|z\. ?B|d\. ?h|u\. ?a|i\. ?V\. ?m)\.$"
)
_NOUN_ART = re.compile(r"\s[a-zäöüß]+(?:er|en|em|es)\s+Art\.$")


def _complete(text: str, spans: list[Span], i: int) -> bool:
    """A span is a whole sentence unless the chunk cuts it (at its start or its end)."""
    sentence = text[spans[i][0] : spans[i][1]].strip()
    if i == 0 and sentence[:1].islower():
        return False  # the chunk begins inside a sentence
    if _OPEN_ITEM.search(sentence) and not _REFERENCE_END.search(sentence):
        return False
    if _ABBREVIATION_END.search(sentence) and not _NOUN_ART.search(sentence):
        return False
    return bool(_CLOSED.search(sentence)) or (sentence.endswith(":") and i + 1 < len(spans))


def _expand(text: str, spans: list[Span], i: int) -> tuple[int, int] | None:
    """Sentence i widened to what it needs: its enumerated items, the sentence it refers to.

    None when it cannot stand whole: its items or the sentence it refers to are cut off.
    """
    first, last = i, i
    sentence = text[spans[i][0] : spans[i][1]]
    cites = _CITES.match(sentence)
    if cites:
        if cites["own"] or not cites["sentence"]:
            return None
        start = _subsection_start(text, spans, i)
        if start is None:
            return None
        first = start
    elif _REFERS_BACK.match(sentence):
        first = i
        # the sentence referred to may refer back in turn ("Details … dieser Länder …")
        while first == i or _REFERS_BACK.match(text[spans[first][0] : spans[first][1]]):
            if first == 0 or i - first >= MAX_BACK or not _complete(text, spans, first - 1):
                return None
            first -= 1
    item = _bullet_item(text, spans, i)
    if item is not None:  # "- „Claim.“ – Nein. What is right …": the item is one thought
        first, last = min(first, item[0]), max(last, item[1])
    if text[spans[i][0] : spans[i][1]].rstrip().endswith(":"):
        while last + 1 < len(spans) and last - i < MAX_ITEMS:
            following = text[spans[last + 1][0] : spans[last + 1][1]]
            if not _ITEM.match(following) or not _complete(text, spans, last + 1):
                break
            last += 1
        if last == i:
            return None  # a sentence announcing items that are not there
    return spans[first][0], spans[last][1]


def _bullet_item(text: str, spans: list[Span], i: int) -> tuple[int, int] | None:
    """The first and last sentence of the bullet item ("- …" on its own line) that sentence i
    belongs to, when the chunk holds it whole in at most MAX_ITEM_SENTENCES; None otherwise."""
    first = i
    while not _bullet_at(text, spans[first][0]):
        if _line_start(text, spans[first][0]) or first == 0 or i - first >= MAX_ITEM_SENTENCES:
            return None
        first -= 1
    last = i
    while last + 1 < len(spans) and not _line_start(text, spans[last + 1][0]):
        last += 1
        if last - first >= MAX_ITEM_SENTENCES:
            return None
    if not all(_complete(text, spans, j) for j in range(first, last + 1)):
        return None
    return first, last


def _line_start(text: str, position: int) -> bool:
    before = text[:position].rstrip(" \t")
    return not before or before.endswith("\n")


def _bullet_at(text: str, position: int) -> bool:
    return _line_start(text, position) and bool(_BULLET.match(text, position))


def _subsection_start(text: str, spans: list[Span], i: int) -> int | None:
    """The first sentence of sentence i's subsection ("(2) …"), when the chunk holds it whole
    and it is at most MAX_BACK sentences back; None otherwise."""
    for j in range(i - 1, max(i - MAX_BACK, 0) - 1, -1):
        if not _complete(text, spans, j):
            return None
        if _SUBSECTION.match(text[spans[j][0] : spans[j][1]]):
            return j
    return None


def passages(
    lexical: LexicalIndex, terms: dict[str, float], hits: list[Hit], spans_of: SpansOf
) -> list[Passage]:
    """Candidate passages of the top hits, best first."""
    texts = [h.chunk.text for h in hits[:CONSIDERED_HITS]]
    out: list[Passage] = []
    for rank, (text, spans) in enumerate(zip(texts, spans_of(texts), strict=True)):
        prior = 0.35 / (1.0 + rank)
        for i, (start, end) in enumerate(spans):
            sentence = text[start:end]
            if not _usable(sentence) or not _complete(text, spans, i):
                continue
            widened = _expand(text, spans, i)
            if widened is None:
                continue
            a, b = widened
            if text[a:b].rstrip().endswith("?"):
                continue  # a question (a checklist's "Gibt es im Landesrecht …?") answers nothing
            cov = coverage(lexical, terms, sentence)
            early = 0.02 / (1.0 + i)  # on a tie, a section's opening states its rule
            out.append(Passage(rank, a, b, text[a:b], cov + prior + early))
    out.sort(key=lambda p: -p.score)
    return out


def pick(candidates: list[Passage]) -> list[Passage]:
    """The lead passage and up to two more: no overlaps, at most two sources, bounded length."""
    if not candidates:
        return []
    # the leading source is the best ranked one: retrieval weighed far more evidence than the
    # words one sentence shares with the question
    top_rank = min(p.hit_rank for p in candidates)
    lead = next(p for p in candidates if p.hit_rank == top_rank)
    chosen = [lead]
    words = len(lead.text.split())
    for cand in candidates:
        if cand is lead:
            continue
        if len(chosen) == MAX_PASSAGES or words >= MAX_WORDS:
            break
        if cand.score < 0.6 * lead.score:
            break
        sources = {p.hit_rank for p in chosen}
        if cand.hit_rank not in sources and (
            len(sources) >= MAX_SOURCES or cand.score < SECOND_SOURCE * lead.score
        ):
            continue
        inner = [p for p in chosen if _contains(cand, p)]
        if inner and not any(_overlaps(p, cand) for p in chosen if p not in inner):
            # "(1) …" chosen, "(1) … (2) Hierfür …" widens it by the sentence that refers back
            words += len(cand.text.split()) - sum(len(p.text.split()) for p in inner)
            at = chosen.index(inner[0])
            chosen = [p for p in chosen if p not in inner]
            chosen.insert(at, cand)
            continue
        if any(_overlaps(p, cand) for p in chosen):
            continue  # overlaps a chosen passage of the same chunk
        if any(_similar(p.text, cand.text) for p in chosen):
            continue
        chosen.append(cand)
        words += len(cand.text.split())
    return chosen


def _contains(a: Passage, b: Passage) -> bool:
    """a is b widened: the same chunk, b inside a, and more."""
    return a.hit_rank == b.hit_rank and a.start <= b.start and b.end <= a.end and a.text != b.text


def _overlaps(a: Passage, b: Passage) -> bool:
    return a.hit_rank == b.hit_rank and a.start < b.end and b.start < a.end


def _similar(a: str, b: str) -> bool:
    wa, wb = set(re.findall(r"\w+", a.lower())), set(re.findall(r"\w+", b.lower()))
    return len(wa & wb) / max(len(wa | wb), 1) > 0.6


def compose(
    lexical: LexicalIndex,
    result: SearchResult,
    hits: list[Hit],
    language: str,
    spans_of: SpansOf,
) -> tuple[str, list[Citation]]:
    """Answer text (lead passage first, [n] after each) and the citations it uses."""
    terms = query_terms(lexical, result)
    chosen = pick(passages(lexical, terms, hits, spans_of))
    order: dict[int, int] = {}
    for passage in chosen:
        order.setdefault(passage.hit_rank, len(order) + 1)
    parts = [f"{p.text.strip()} [{order[p.hit_rank]}]" for p in chosen]
    citations = []
    for rank, n in order.items():
        used = sorted((p for p in chosen if p.hit_rank == rank), key=lambda p: p.start)
        citations.append(Citation.from_hit(n, hits[rank], " … ".join(p.text.strip() for p in used)))
    # a bullet item quoted whole starts its own line, as in the source
    body = "".join(
        ("\n" if _BULLET.match(part) else " ") + part if n else part for n, part in enumerate(parts)
    )
    if language == "en" and body:
        body = "According to the (German) sources: " + body
    extra = see_also(lexical, terms, hits, order, spans_of, len(citations) + 1)
    if extra is not None:
        body += f"\n\n{SEE_ALSO.get(language, SEE_ALSO['de'])}: {extra.label()} [{extra.n}]"
        citations.append(extra)
    return body, citations


def _unit(hit: Hit) -> tuple[str, str]:
    meta = hit.chunk.metadata
    place = meta.get("section") or heading_of(hit.chunk.breadcrumb, meta) or hit.chunk.chunk_id
    return hit.chunk.doc_id, str(place)


def see_also(
    lexical: LexicalIndex,
    terms: dict[str, float],
    hits: list[Hit],
    cited: dict[int, int],
    spans_of: SpansOf,
    n: int,
) -> Citation | None:
    """The next-ranked section when the answer quotes a single one (None otherwise)."""
    units = {_unit(hits[rank]) for rank in cited}
    if len(units) != 1:
        return None
    runner = next((h for h in hits if _unit(h) not in units), None)
    if runner is None:
        return None
    best = passages(lexical, terms, [runner], spans_of)
    return Citation.from_hit(n, runner, best[0].text.strip() if best else "")
