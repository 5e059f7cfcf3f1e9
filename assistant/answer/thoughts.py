"""Whole thoughts: a sentence widened to what it needs to be understood.

Its enumerated items after a sentence that ends in ":"; the sentence it refers back to
("Dort …", "Prüfen Sie dort …", "Dies gilt …"), and that one's when it refers back in turn; the
start of its subsection when it cites another sentence of it ("Satz 2 gilt nicht"); the rest of
its bullet item ("- „Claim.“ – Nein. What is right …"). A sentence the chunk cuts, or whose
context the chunk cuts, is not whole.
"""

from __future__ import annotations

import re

from assistant.store.sentences import Span

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
# "Nach dieser Richtlinie …" names its own unit unless the sentence before names a Richtlinie
# ("… der Technischen Richtlinie nach Absatz 6 …"; TKG § 170): then it points back to that one
_THIS_RICHTLINIE = r"(?i:diese[nmrs]?)\s+Richtlinie\b"
_OPENS_THIS_RICHTLINIE = re.compile(rf"^\s*(?:\S+\s+){{0,3}}{_THIS_RICHTLINIE}")
# a law's sentence that opens with another sentence of its subsection ("Satz 2 gilt nicht, …",
# "Die Sätze 1 und 2 gelten entsprechend") brings its subsection from the start, "(3) …"; one
# that opens with other subsections ("(3) Die Absätze 1 und 2 gelten …") cannot stand alone
_CITES = re.compile(
    r"^\s*(?P<own>\(\d{1,2}[a-z]?\)\s*)?(?:(?:die|der)\s+)?"
    r"(?:(?P<sentence>Satz|Sätze[ns]?)|Absatz|Absätze[ns]?)\s+\d",
    re.IGNORECASE,
)
_SUBSECTION = re.compile(r"^\s*\(\d{1,2}[a-z]?\)\s")
BULLET = re.compile(r"[-•*][ \t]")
MAX_ITEM_SENTENCES = 4  # a bullet item longer than this is not quoted whole
MAX_BACK = 3  # sentences a reference may reach back within its subsection
# a list announced by ":" whose first item the segmenter joined to the announcing sentence
_OPENS_LIST = re.compile(r":\s*(?P<marker>1\.|[-•*])[ \t]")


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
# ("Zuletzt geändert durch: Art." | "16 G v. 28.6.2021", "(z." | "B. …", "ff. u." | "S. 153",
# "Krankenhaus St." | "Johannes-Hospital"); "ähnlicher Art." is the noun
_ABBREVIATION_END = re.compile(
    r"(?:^|[\s(:])(?:Art|Abs|Nr|Ziff|lit|Buchst|S|Satz|vgl|ggf|bzw|ca|gem|sog|inkl|zzgl|bzgl|"
    r"Dr|Prof|Mio|Mrd|St|z\. ?B|d\. ?h|u\. ?a|i\. ?V\. ?m|z|d|u)\.$"
)
# "ähnlicher Art." is the noun, which ends a sentence; after an article or a preposition ("dass
# der Art.") it is "Artikel"
_NOUN_ART = re.compile(
    r"\s(?!(?:der|den|dem|des|oder|über|unter)\s)[a-zäöüß]+(?:er|en|em|es)\s+Art\.$"
)
# a bracket closed before any is opened: the chunk begins inside it (not an item's "a)", "2)")
_CLOSES_FIRST = re.compile(r"^(?!\s*(?:\d{1,2}[a-z]?|[a-z]{1,2}|[IVX]{1,4})\))[^()]{1,80}\)")


# an enumerated item opening a chunk continues a sentence of the chunk before ("1. des Ausdrucks
# …" after "(5) Der Beglaubigungsvermerk muss … bei der Beglaubigung"): always in a law (a §'s
# text opens with "(1)" or a sentence), elsewhere when the item goes on in lower case
_ITEM_OPENS = re.compile(r"\s*(?:\d{1,2}[a-z]?\.|[a-z]{1,2}\)|[IVX]{1,4}\.)\s+(?P<next>\S)")
_GOES_ON = frozenset('abcdefghijklmnopqrstuvwxyzäöüß„"»')  # an item going on in lower case
# … and so does a bracket closed before a comma: "(Informationen), die bei einer Stelle …"
_BRACKET_OPENS = re.compile(r"\s*\([^()]{1,60}\)\s*[,;]")


def headed(text: str, spans: list[Span], law: bool) -> list[Span]:
    """The spans a reader can follow: without a first one that goes on from the chunk before."""
    if not spans:
        return spans
    opens = _ITEM_OPENS.match(text, spans[0][0])
    if (opens and (law or not opens["next"][:1].isupper())) or _BRACKET_OPENS.match(
        text, spans[0][0]
    ):
        return spans[1:]
    return spans


def complete(text: str, spans: list[Span], i: int) -> bool:
    """A span is a whole sentence unless the chunk cuts it (at its start or its end)."""
    sentence = text[spans[i][0] : spans[i][1]].strip()
    if i == 0 and (sentence[:1].islower() or _CLOSES_FIRST.match(sentence)):
        return False  # the chunk begins inside a sentence (or a bracket: "Juni 2008) und …")
    if _OPEN_ITEM.search(sentence) and not _REFERENCE_END.search(sentence):
        return False
    if _ABBREVIATION_END.search(sentence) and not _NOUN_ART.search(sentence):
        return False
    return bool(_CLOSED.search(sentence)) or (sentence.endswith(":") and i + 1 < len(spans))


def widen(text: str, spans: list[Span], i: int) -> tuple[int, int] | None:
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
    elif _refers_back(text, spans, i):
        first = i
        # the sentence referred to may refer back in turn ("Details … dieser Länder …")
        while first == i or _refers_back(text, spans, first):
            if first == 0 or i - first >= MAX_BACK or not complete(text, spans, first - 1):
                return None
            first -= 1
        # … and the one reached may cite other sentences of its subsection ("Absatz 1 Satz 2
        # gilt entsprechend. Beschäftigte können diesen Anspruch …"): from the subsection's start
        if (reached := _CITES.match(text[spans[first][0] : spans[first][1]])) is not None:
            start = None if reached["own"] else _subsection_start(text, spans, first)
            if start is None:
                return None
            first = start
    item = _bullet_item(text, spans, i)
    if item is not None:  # "- „Claim.“ – Nein. What is right …": the item is one thought
        first, last = min(first, item[0]), max(last, item[1])
    if text[spans[i][0] : spans[i][1]].rstrip().endswith(":"):
        while last + 1 < len(spans) and last - i < MAX_ITEMS:
            following = text[spans[last + 1][0] : spans[last + 1][1]]
            if not _ITEM.match(following) or not complete(text, spans, last + 1):
                break
            last += 1
        # an item that announces items of its own (a form's next field: "… 11. Zweck:") ends
        # nothing; its items are not brought along (none left: the check below refuses it)
        while last > i and text[spans[last][0] : spans[last][1]].rstrip().endswith(":"):
            last -= 1
    elif opened := _OPENS_LIST.search(text, spans[i][0], spans[i][1]):
        last = _rest_of_list(text, spans, i, opened["marker"])
    if text[spans[last][0] : spans[last][1]].rstrip().endswith(":"):
        return None  # it would end announcing what it does not bring (no items, a form's "…:")
    if (opens := _ITEM_OPENS.match(text, spans[first][0])) and opens["next"][0] in _GOES_ON:
        return None  # "3. die Rückschau: …" goes on from a sentence it does not show
    return spans[first][0], spans[last][1]


def _refers_back(text: str, spans: list[Span], i: int) -> bool:
    """Sentence i opens pointing back: a word that always does, or "diese Richtlinie" after a
    sentence that names another one."""
    sentence = text[spans[i][0] : spans[i][1]]
    if _REFERS_BACK.match(sentence):
        return True
    if i == 0 or not _OPENS_THIS_RICHTLINIE.match(sentence):
        return False
    before = text[spans[i - 1][0] : spans[i - 1][1]]
    return "Richtlinie" in re.sub(_THIS_RICHTLINIE, "", before)


def _rest_of_list(text: str, spans: list[Span], i: int, marker: str) -> int:
    """The last sentence of a list whose first item shares its sentence with the announcement
    ("… erfüllt sind: 1. Eine Rechtsvorschrift lässt es zu."): the following items, each on a
    line of its own ("2. …"), and their further sentences (same line); i when none follows."""
    pattern = re.compile(r"\d{1,2}\." if marker[0].isdigit() else re.escape(marker))
    following = range(i + 1, min(i + 1 + MAX_ITEMS, len(spans)))
    if not any(
        _line_start(text, spans[j][0]) and pattern.match(text, spans[j][0]) for j in following
    ):
        return i  # no further item on a line of its own: nothing to bring
    last = i
    while last + 1 < len(spans) and last - i < MAX_ITEMS:
        start = spans[last + 1][0]
        if _line_start(text, start) and not pattern.match(text, start):
            break
        if not complete(text, spans, last + 1):
            break
        last += 1
    return last


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
    if not all(complete(text, spans, j) for j in range(first, last + 1)):
        return None
    return first, last


def _line_start(text: str, position: int) -> bool:
    return not text[text.rfind("\n", 0, position) + 1 : position].strip(" \t")


def _bullet_at(text: str, position: int) -> bool:
    return _line_start(text, position) and bool(BULLET.match(text, position))


def _subsection_start(text: str, spans: list[Span], i: int) -> int | None:
    """The first sentence of sentence i's subsection ("(2) …"), when the chunk holds it whole,
    it is at most MAX_BACK sentences back and does not open with other subsections; None
    otherwise."""
    for j in range(i - 1, max(i - MAX_BACK, 0) - 1, -1):
        if not complete(text, spans, j):
            return None
        if _SUBSECTION.match(sentence := text[spans[j][0] : spans[j][1]]):
            # "(3) Die Absätze 1 und 2 gelten nicht …" opens with what the chunk's quote lacks
            return None if _CITES.match(sentence) else j
    return None
