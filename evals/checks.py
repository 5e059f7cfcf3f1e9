"""Answer checks: no sentence cut inside an abbreviation, date or enumeration; quotes verbatim;
no statement that opens with a reference to a sentence or subsection it does not show, opens
with an enumerated item whose head it lacks, or runs on into the next bullet item.

Deliberately independent of the segmenter the product uses (SoMaJo): a plain list of what a
German sentence cannot end with, so the check can catch the segmenter's mistakes too.
"""

from __future__ import annotations

import re
from typing import Any

# abbreviations that never end a sentence in these corpora ("Mio." may, but not before a noun)
ABBREVIATIONS = (
    "z. B.",
    "z.B.",
    "d. h.",
    "d.h.",
    "u. a.",
    "u.a.",
    "bzw.",
    "ca.",
    "vgl.",
    "gem.",
    "ggf.",
    "Abs.",
    "Nr.",
    "Art.",
    "S.",
    "Satz.",
    "lit.",
    "Buchst.",
    "Ziff.",
    "Kap.",
    "Anl.",
    "Mio.",
    "Mrd.",
    "Tsd.",
    "Dr.",
    "Prof.",
    "Hrsg.",
    "bzgl.",
    "inkl.",
    "zzgl.",
    "usw.",
    "etc.",
    "sog.",
    "i. V. m.",
    "i.V.m.",
    "i. S. d.",
    "u.",
    "z.",
    "d.",
    "Jan.",
    "Feb.",
    "Okt.",
    "Dez.",
    "Einw.",
    "Mitgl.",
    "Str.",
    "e. V.",
    "e.V.",
    "St.",
    "Std.",
    "Min.",
    "max.",
    "min.",
)
_ENDS_WITH_ABBREVIATION = re.compile(
    r"(?:^|[\s(])(?:" + "|".join(re.escape(a) for a in ABBREVIATIONS) + r")$"
)
# "seit 24." (a date) or "… und 3." (a list item); not "Abs. 1." or "§ 5." (a reference)
_ORDINAL_END = re.compile(
    r"(?<!Abs\.)(?<!Absatz)(?<!Nr\.)(?<!Nummer)(?<!Satz)(?<!§)(?<!Art\.)(?<!Artikel)(?<!S\.)"
    r"(?<!Ziff\.)(?<!Anlage)(?<!Teil)(?<!Kapitel)(?<!Abschnitt)(?:^|\s)\d{1,2}\.$"
)
# "Art." after an inflected adjective is the noun ("Veranstaltungen ähnlicher Art."), which ends
# a sentence; after a preposition or article ("nach Art.", "des Art.") it is "Artikel"
_NOUN_ART = re.compile(
    r"(?:^|\s)(?!(?:oder|über|unter|der|den|dem|des)\s)[a-zäöüß]+(?:er|en|em|es)\s+Art\.$"
)
_DANGLING = re.compile(r"[:,;(–-]$|§+$|\b(?:und|oder|sowie|bis|nach|gemäß)$")


_REFERENCE_END = re.compile(
    r"(?:§§?|Abs\.|Absatz|Nr\.|Nummer|Satz|Art\.|Artikel|Anlage)\s*\d+[a-z]?"
    r"(?:\s*(?:,|und|oder|bis)\s*\d+[a-z]?)*\.$"
)  # "… nach § 22 Absatz 3 und 4." ends a sentence


def cut_inside(text: str) -> bool:
    """True when text ends where no German sentence ends."""
    text = text.strip().rstrip("…").strip()
    if not text:
        return False
    if _REFERENCE_END.search(text) or _NOUN_ART.search(text):
        return False
    return bool(
        _ENDS_WITH_ABBREVIATION.search(text) or _ORDINAL_END.search(text) or _DANGLING.search(text)
    )


_FRAME = re.compile(
    r"^(?:Frage|Question) \d+: .*$|^.*(?:Fundstellen zum Prüfen|Passages to check).*$"
    r"|^\[\d+\] .*$|^(?:Siehe auch|See also): .*$",
    re.MULTILINE,
)  # the headings of many-part answers and the lines of "Fundstellen zum Prüfen"


def answer_pieces(answer: str) -> list[str]:
    """The text before each [n] marker: what the answer presents as one supported statement."""
    pieces = re.split(r"\s*(?:\[\d+\])+", _FRAME.sub("", answer))
    return [p.strip() for p in pieces if p.strip() and not p.strip().startswith("According to")]


# "Satz 2 gilt nicht, …", "Die Sätze 1 und 2 …", "Absatz 1 gilt entsprechend" at a statement's
# start: what it refers to is not part of the statement
_OPENS_WITH_REFERENCE = re.compile(
    r"^(?:\(\d+[a-z]?\)\s*)?(?:(?:Die|Der)\s+)?(?:Satz|Sätze[ns]?|Absatz|Absätze[ns]?)\s+\d"
    # … or with a word pointing back to a sentence the statement does not bring ("Dort …",
    # "(2) Hierfür sind …", "Das ergibt hohe Zahlen.", "Das widerspricht …")
    r"|^(?:\(\d+[a-z]?\)\s*)?(?:Dort|Dies(?:e[rsnm]?)?(?!\s+(?:Gesetz|Verordnung|Satzung)\b)|Hierfür|Hierzu|Hiervon|Dafür|Dazu|"
    r"Daher|Deshalb|Somit|Demnach|Gleiches gilt|Das (?:gilt|ist|sind|war|ergibt|bedeutet|heißt|"
    r"widerspricht|reicht|betrifft|zeigt|kann|muss|soll|darf|wird|klingt|geht))\b"
    # … or with such a word among its first words: "Prüfen Sie dort insbesondere: …", "Für
    # diese Stellen gilt …", "Wer …, sollte sich daher …" ("dieses Gesetzes": its own law)
    r"|^(?:\S+\s+){1,3}(?:dort|dorthin|daher|deshalb|somit|demnach)\b"
    r"|^(?:\S+\s+){1,3}diese[nmrs]?\s+(?!(?:Gesetz|Gesetzes|Verordnung|Satzung|Vorschrift)\b)"
    r"[A-ZÄÖÜ]"
)


def opens_with_reference(piece: str) -> bool:
    """True when a statement opens with a sentence, subsection or word pointing back to what it
    does not show."""
    return bool(_OPENS_WITH_REFERENCE.match(piece))


# a statement that runs from one bullet item into the next: "… Digitalisierungsgrad.\n- „Nur 10 %
# der Kommunen digitalisieren.“" presents the start of another item (here a misconception the
# source goes on to correct) as part of what it supports; items a sentence announces with ":",
# or the items of one sentence ("… solange - A, oder\n- B."), belong to it; a blank line ends a
# block (the parts of a many-part answer)
_RUNS_INTO_ITEM = re.compile(r"^[^\n]*[.!?“”\"»)][ \t]*\n[ \t]*[-•*]\s")


# "Bedingungen: - Jede Person …" opens its list on the first line: the next items belong to it
_OPENS_LIST = re.compile(r":\s*(?:[-•*]|\d{1,2}\.)\s")


def runs_into_item(statement: str) -> bool:
    """True when a statement's first line ends a sentence and the next line is a bullet item
    (not one of a list the first line opens)."""
    first = statement.strip().split("\n", 1)[0]
    return bool(_RUNS_INTO_ITEM.match(statement.strip())) and not _OPENS_LIST.search(first)


# "4. die Kennzeichnung, …", "a) wen die Signaturprüfung …": an enumerated item going on in lower
# case continues a sentence whose head ("Der Vermerk muss enthalten") the statement does not show
_HEADLESS_ITEM = re.compile(r"^(?:\d{1,2}[a-z]?\.|[a-z]{1,2}\))\s+[a-zäöüß„\"»]")


def headless_item(piece: str) -> bool:
    """True when a statement or quote opens with an enumerated item whose head it lacks."""
    return bool(_HEADLESS_ITEM.match(piece.strip()))


def out_of_order(answer: str, sources: dict[int, str]) -> int:
    """Statements after the lead quoted before one that precedes them in the same source: "(3)
    …, (1) …" reads as if the exception came before the rule (sources: [n] → the cited text)."""
    faults = 0
    for block in re.split(r"\n\s*\n", _FRAME.sub("", answer)):  # each part of a many-part answer
        last: dict[int, int] = {}
        statements = re.findall(r"(.+?)\s*\[(\d+)\]", block, re.DOTALL)
        for number, (text, n) in enumerate(statements):
            # an answer may show a list's first item on a line of its own: compare words
            at = " ".join(sources.get(int(n), "").split()).find(" ".join(text.split()))
            if at < 0 or number == 0:
                continue
            faults += at < last.get(int(n), -1)
            last[int(n)] = at
    return faults


def check_answer(payload: dict[str, Any], chunk_texts: dict[str, str]) -> dict[str, int]:
    """Counts of cut and dangling statements and quotes, non-verbatim quote pieces, citations
    without place."""
    cut = dangling = run_on = headless = disordered = 0
    not_verbatim = 0
    no_heading = sum(1 for c in payload.get("citations", []) if not c.get("heading"))
    outcome = payload.get("outcome", "answer")
    if outcome == "answer":
        text = re.sub(r"^According to the \(German\) sources:\s*", "", payload["answer"])
        pieces = answer_pieces(text)
        cut += sum(cut_inside(p) for p in pieces)
        dangling += sum(opens_with_reference(p) for p in pieces)
        run_on += sum(runs_into_item(p) for p in pieces)
        headless += sum(headless_item(p) for p in pieces)
        sources = {
            int(c.get("n", i)): chunk_texts.get(c["chunk_id"], "")
            for i, c in enumerate(payload.get("citations", []), 1)
        }
        disordered = out_of_order(text, sources)
    for citation in payload.get("citations", []):
        source = chunk_texts.get(citation["chunk_id"], "")
        for piece in str(citation.get("quote", "")).split(" … "):
            piece = piece.strip()
            if not piece:
                continue
            cut += cut_inside(piece)
            headless += headless_item(piece)
            not_verbatim += piece not in source
    return {
        "cut": cut,
        "dangling": dangling,
        "runs_into_item": run_on,
        "headless_item": headless,
        "not_verbatim": not_verbatim,
        "out_of_order": disordered,
        "no_heading": no_heading,
    }
