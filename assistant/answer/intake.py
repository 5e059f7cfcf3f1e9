"""Long inputs: pasted e-mails and letters reduced to the questions they ask and their facts.

Greetings, sign-offs with signatures, disclaimers, mail headers and quoted history ("> …") are
dropped (assistant/answer/mail.py); a forwarded message's questions count only when the asker
asks none above it, a request to look the text over is none; the question sentences are found
("…?", "Ich möchte wissen, ob …", "1. Ersetzt …"); questions that belong together are grouped;
each group is condensed with the facts that share its words (the quoted history's too: "diese
Zahlen" may point into a forwarded mail), so retrieval sees what decides the legal question and
not the whole story.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.answer.conversation import is_followup
from assistant.answer.mail import HEADER, REPLY_PREFIX, clean, own_part, quoted
from assistant.errors import InvalidRequest
from assistant.store.sentences import sentences

MAX_INPUT_CHARS = 20_000
LONG_INPUT = 400  # characters from which an input is read as pasted text
MAX_QUESTIONS = 4
MAX_FACTS = 3
MAX_QUERY_WORDS = 90
MIN_QUESTION_WORDS = 2  # content words a question needs ("Was sage ich ihr?" has one)

_INLINE_ITEM = re.compile(
    r"(?<=\?)\s+(?=\(?(?:\d{1,2}|[a-h])[.)]\s)"
    # … and a second question the segmenter kept in one sentence, opening in lower case ("…
    # haben? und wie lang ist der gültig …?")
    r"|(?<=\?)\s+(?=(?:und|oder|and|or)\s[^?]{8,}\?)"
)
_ITEM_NUMBER = r"^\s*(?:\d+[.)]\s*)?"
# "Meine Frage: …", not "Meine Fragen stehen ganz unten."
_MY_QUESTION = r"(?:meine fragen?\b[^.?!]*|frage\s*):"
_ASKS = re.compile(
    rf"\?\s*$|{_ITEM_NUMBER}(?:ich möchte (?:gerne )?wissen|ich frage mich|{_MY_QUESTION}|"
    r"können sie mir (?:sagen|mitteilen)|bitte teilen sie|"
    r"wir bitten um (?:prüfung|auskunft)|bitte (?:prüfen|klären)|i would like to know|i wonder|"
    r"please (?:tell|advise|clarify))",
    re.IGNORECASE,
)
_SMALL_TALK = re.compile(
    r"^\s*(?:können sie (?:mir|uns) (?:helfen|weiterhelfen)|wie geht es|haben sie (?:kurz )?zeit|"
    r"could you help|can you help|any ideas|oder\?|richtig\?|oder nicht\?)",
    re.IGNORECASE,
)
# a request to the assistant about the text, not a question of its own: "Kannst du kurz
# drüberschauen, bevor ich antworte?", "Können Sie mir bitte etwas zusammenstellen?", "Could you
# help me with a reply to this one?" ("Kannst du mir helfen, wie wir …?" asks one)
_META = re.compile(
    r"^\s*(?:\w+,?\s+){0,2}(?:kannst du|könntest du|können sie|könnten sie|könnt ihr|könntet ihr|"
    r"could you|can you|would you)\b"
    r"(?![^?]*\b(?:ob|dass|wie|wann|was|welche[nmrs]?|warum|wer|wo|whether|if|how|what|which|"
    r"when|why|who|where)\b)"
    r"[^?]*\b(?:helfen|weiterhelfen|unterstützen|drüber(?:schauen|sehen|lesen|gucken)|"
    r"drüber (?:schauen|sehen|lesen|gucken)|draufschauen|gegenlesen|blick|zusammenstellen|"
    r"help|look|check)\w*\b[^?]*\?\s*$",
    re.IGNORECASE,
)
_PARAGRAPH = re.compile(r"\n\s*\n|\n(?=\s*(?:\(?\d+[.)]|[-•*])\s)")  # blank line or list item
_NUMBERED = re.compile(r"^\s*(?:\(?\d+[.)]|[a-z]\)|[-•*])\s")
_ANNOUNCEMENT = re.compile(_ITEM_NUMBER + _MY_QUESTION, re.IGNORECASE)
# "Ich fasse die drei Fragen zusammen:", "Was wir konkret wissen wollen: – …", "Meine Frage: …"
_ANNOUNCES_QUESTIONS = re.compile(
    r"\b(?:fragen?|wissen (?:wollen|möchten)|questions?)\b(?!\s*\d)[^:?]{0,80}:"
    # … or a heading of its own: "5. Meine eigentliche Frage", "Fragen"
    r"|^\s*(?:\d+[.)]\s*)?(?:(?:meine|unsere|my|our)\s+(?:\w+\s+)?)?(?:fragen?|questions?)\s*$",
    re.IGNORECASE,
)  # "Frage 2: Welche …?" is a question with its label, not an announcement
# a paragraph that is one item of the asker's list: "1.", "b)", "- ", "Erstens:", "Frage 2:"
_ENUMERATED = re.compile(
    _NUMBERED.pattern + r"|^\s*\([a-h]\)\s|^\s*(?:(?:erstens|zweitens|drittens|viertens|"
    r"fünftens|zum einen|zum anderen|zum dritten|firstly|secondly|thirdly)\b|"
    r"(?:und )?(?:schließlich|zuletzt|finally)\s*:|(?:frage|question)\s*\d{1,2}\s*[:.)])",
    re.IGNORECASE,
)
_NARROWS = re.compile(
    r"^\s*(?:konkret|genauer|also|das heißt|sprich|specifically)\b", re.IGNORECASE
)
_WORD = re.compile(r"[^\W\d_]{4,}")
_FUNCTION = frozenset(
    "aber alle auch bitte dann dass denn diese dieser dieses doch eine einem einen einer haben "
    "hatte habe ihre ihren kann können könnte muss müssen nach noch nicht oder schon sehr sein "
    "sind soll sollen unser unsere unserer unseren wenn werden wird wurde wurden wäre weil wieder "
    "with that this have what which would could should there their about from into they them "
    "frage fragen danke vielen".split()
)


@dataclass
class Intake:
    """What a long input asks: one retrieval query per distinct question."""

    original: str
    cleaned: str
    queries: list[str] = field(default_factory=list)  # condensed, one per distinct question
    asks: list[str] = field(default_factory=list)  # the question as written, for display
    listed: list[bool] = field(default_factory=list)  # per question: an item of the asker's list
    long: bool = False


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text) if w.lower() not in _FUNCTION}


def take(text: str) -> Intake:
    """The distinct questions of an input (a short question is its own single query)."""
    text = text.strip()
    if len(text) < LONG_INPUT and "\n" not in text:
        return Intake(text, text, [text], [text], [False])
    cleaned = clean(text)
    units, items = _units(cleaned)
    asked = [
        i
        for i, u in enumerate(units)
        if _ASKS.search(u) and not _SMALL_TALK.match(u) and not _META.match(u)
    ]
    asked = [i for i in asked if len(_words(units[i])) >= MIN_QUESTION_WORDS]
    # "Meine Fragen an euch, bevor ich antworte:" announces the questions, it asks none; so does
    # "Meine Frage, bevor wir prüfen: Herr W. beruft sich auf …" when a question follows it
    asked = [i for i in asked if not units[i].rstrip().endswith(":") and not _announces(units, i)]
    # "So, jetzt meine Fragen:": what comes before (a forwarded letter's own questions, rhetorical
    # ones) is context; the asker's questions follow their announcement
    # a forwarded message's questions are someone else's (a citizen's "Wie gehe ich vor?"): the
    # asker's own, above it, are the questions, when there are any
    mine = _own_units(text, units)
    if mine is not None and any(i < mine for i in asked):
        asked = [i for i in asked if i < mine]
    announced = [i for i, u in enumerate(units) if _ANNOUNCES_QUESTIONS.search(u)]
    if announced and any(i >= announced[-1] for i in asked):
        asked = [i for i in asked if i >= announced[-1]]
    asked = _listed(_beside_subject(asked, units, text), items)
    if not asked:  # no explicit question: the text itself is the question
        query = _trim(" ".join(units), MAX_QUERY_WORDS * 2)
        ask = _trim(units[-1] if units else cleaned, 40)
        return Intake(text, cleaned, [query], [ask], [False], True)
    groups: list[list[int]] = []
    for i in asked:
        # a question after a numbered one, before the next number, is part of it ("1. Ist der
        # Bescheid zugestellt? Hatte er einen Zugang eröffnet?")
        in_item = bool(groups) and bool(_NUMBERED.match(units[groups[-1][0]]))
        if (
            groups
            and i - groups[-1][-1] <= 1
            and (_continues(units[i]) or (in_item and not _NUMBERED.match(units[i])))
        ):
            groups[-1].append(i)
        else:
            groups.append([i])
    groups = _merge_overflow(_lean_forward(groups, units))
    # the quoted history gives facts, never questions (they are someone else's)
    own = len(units)
    units += [
        u
        for p in _PARAGRAPH.split(quoted(text))
        if p.strip()
        for u in sentences(" ".join(p.split()))
    ]
    queries, asks = [], []
    for group in groups:
        asked_text = " ".join(units[i] for i in group)
        facts = _facts(units, group, set(asked), own)
        queries.append(_trim(" ".join([asked_text, *facts]), MAX_QUERY_WORDS))
        asks.append(asked_text)
    listed = [any(items[i] is not None for i in group) for group in groups]
    return Intake(text, cleaned, queries, asks, listed, True)


def _units(cleaned: str) -> tuple[list[str], list[int | None]]:
    """The sentences of a cleaned text, and the list item (paragraph or inline) each is in."""
    paragraphs = [p for p in _PARAGRAPH.split(cleaned) if p.strip()]
    units: list[str] = []
    items: list[int | None] = []
    for number, paragraph in enumerate(paragraphs):
        item = number if _ENUMERATED.match(paragraph) else None
        for sentence in _sentences(" ".join(paragraph.split())):
            # "Meine Fragen: a) Dürfen wir …? b) Ist …?": each lettered or numbered question alone
            for piece in _INLINE_ITEM.split(" ".join(sentence.split())):
                if piece.strip():
                    inline = _ENUMERATED.match(piece) and item is None
                    items.append(len(paragraphs) + len(units) if inline else item)
                    units.append(piece)
    return units, items


@lru_cache(maxsize=512)
def _sentences(paragraph: str) -> tuple[str, ...]:
    """A paragraph's sentences (cached: the asker's own part is split again, _own_units)."""
    return tuple(sentences(paragraph))


def _own_units(text: str, units: list[str]) -> int | None:
    """How many of the units the asker wrote above the first forwarded or quoted message (None
    without one, or where the units do not begin with them)."""
    own = own_part(text)
    if own is None:
        return None
    mine = _units(own)[0]
    return len(mine) if mine and units[: len(mine)] == mine else None


def _listed(asked: list[int], items: list[int | None]) -> list[int]:
    """When the asker lists the questions ("Erstens: …", "2. …", "- …"), the questions outside
    the list are someone else's (a complaint's "Wofür gibt es dann einen Onlineantrag???") or
    said again in the list."""
    listed = [i for i in asked if items[i] is not None]
    return listed if len({items[i] for i in listed}) >= 2 else asked


def _beside_subject(asked: list[int], units: list[str], text: str) -> list[int]:
    """A subject line ("Betreff: Registrierungspflicht?") asks only when the text does not."""
    subjects = {
        " ".join(REPLY_PREFIX.sub("", line.split(":", 1)[1]).split())
        for line in text.splitlines()
        if HEADER.match(line) and line.strip().lower().startswith(("betreff", "subject"))
    }
    others = [i for i in asked if units[i] not in subjects]
    return others or asked


def _announces(units: list[str], i: int) -> bool:
    """A unit that reads as a question only by its opener ("Meine Frage, bevor wir prüfen: Herr
    W. beruft sich auf …") and is not one, followed by a question."""
    unit = units[i].rstrip()
    if not _ANNOUNCEMENT.match(unit) or unit.endswith("?"):
        return False
    return i + 1 < len(units) and units[i + 1].rstrip().endswith("?")


def _continues(current: str) -> bool:
    """A question continues the one before when it cannot stand alone (numbered ones never), or
    when it says what the one before asks ("Konkret: Wie sind die Zahlen zu erklären?")."""
    if _NUMBERED.match(current):
        return False
    return bool(_NARROWS.match(current)) or is_followup(current)


def _lean_forward(groups: list[list[int]], units: list[str]) -> list[list[int]]:
    """A question that cannot stand alone and has no question right before it ("Bevor ich das
    dem Ausschuss vorlege: Stimmt das so?") belongs to the one right after it."""
    out: list[list[int]] = []
    for n, group in enumerate(groups):
        following = groups[n + 1] if n + 1 < len(groups) else None
        if (
            following is not None
            and len(group) == 1
            and following[0] - group[0] <= 1
            and _continues(units[group[0]])
        ):
            following[:0] = group
            continue
        out.append(group)
    return out


def _merge_overflow(groups: list[list[int]]) -> list[list[int]]:
    """At most MAX_QUESTIONS groups: the rest join the last one."""
    if len(groups) <= MAX_QUESTIONS:
        return groups
    head = groups[: MAX_QUESTIONS - 1]
    tail = [i for g in groups[MAX_QUESTIONS - 1 :] for i in g]
    return [*head, tail]


def _facts(units: list[str], group: list[int], questions: set[int], own: int) -> list[str]:
    """The statements that share most words with the question, and the one just before it; the
    asker's own (the first `own` units) before the quoted history's at equal overlap."""
    asked = set().union(*(_words(units[i]) for i in group))
    scored = []
    for i, unit in enumerate(units):
        if i in questions:
            continue
        overlap = len(asked & _words(unit))
        near = 1 if i == group[0] - 1 else 0
        if overlap or near:
            scored.append((overlap + near - (0.5 if i >= own else 0.0), -abs(i - group[0]), i))
    best = sorted(scored, reverse=True)[:MAX_FACTS]
    return [units[i] for _, _, i in sorted(best, key=lambda item: item[2])]


def _trim(text: str, words: int) -> str:
    parts = text.split()
    return " ".join(parts[:words])


def check_question(text: str, name: str) -> None:
    """A question or query is not empty and not longer than the documented limit."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidRequest(name, "darf nicht leer sein")
    if len(text) > MAX_INPUT_CHARS:
        raise InvalidRequest(name, f"zu lang (höchstens {MAX_INPUT_CHARS} Zeichen)")
