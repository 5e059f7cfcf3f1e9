"""Names of rules in a question (laws, ordinances, bylaws, collective agreements, EU acts).

A question about a rule the sources do not contain ("Hundesteuersatzung", "TVöD", "GO NRW",
"EU AI Act") cannot be answered from them, however close its topic looks to a similarity
search. The parser keeps the names no indexed law answers to; the retriever keeps those the
sources never mention; the outcome abstains, saying which rule is missing.
"""

from __future__ import annotations

import re

# compounds: "Hundesteuersatzung", "Landespersonalvertretungsgesetz", "NIS-2-Richtlinie"
_COMPOUND = re.compile(
    r"(?<![\w-])[\wÄÖÜäöüß-]*(?:gesetz|gesetzes|gesetzbuch|gesetzbuchs|verordnung|satzung|"
    r"richtlinie|ordnung|tarifvertrag|tarifvertrags)(?![\w-])",
    re.IGNORECASE,
)
# abbreviations: "KAG", "LPVG", "BauO", "GemO", "GO NRW" (capitals ending in G or VO, or mixed
# case ending in O); "EDV" or "DPO" are not names of rules
_ABBREVIATION = re.compile(
    r"(?<![\w-])(?:[A-ZÄÖÜ]{2,}(?:G|VO)|[A-ZÄÖÜ][a-zäöü]*[A-ZÄÖÜ]?[a-zäöü]+O|GO)"
    r"(?:[- ](?:NRW|BW|RLP|LSA|SH|MV|M-V|Bbg|Bln|HH|HB|BY|Bay))?(?![\w-])"
)
_AGREEMENT = re.compile(r"(?<![\w-])(?:TVöD|TV-?L|TV-?V|TV-?H|BAT)(?:-VKA|-Bund)?(?![\w])")
# "EU AI Act", "europäischen KI-Verordnung": capitalised words between "EU" and the kind, so that
# "die EU hat eine neue Richtlinie" names none
_EU = re.compile(
    r"\b(?:EU|European|[Ee]uropäisch\w*)(?:['’]s)?[- ](?:[A-ZÄÖÜ][\w-]*[- ]){0,3}(?:Act|Directive|"
    r"Regulation|Richtlinie|Verordnung)\b|\b(?:AI|Data|Data Governance|Digital Services|"
    r"Digital Markets|Cyber Resilience|Interoperable Europe) Act\b|\bNIS[- ]?2\b|\beIDAS\b"
)
# words these patterns catch that name no particular rule, and courts ("OVG", "BVerwG")
_GENERIC = frozenset(
    "gesetz gesetze gesetzes gesetzbuch verordnung verordnungen satzung satzungen richtlinie "
    "richtlinien ordnung tarifvertrag bundesgesetz bundesgesetze landesgesetz landesgesetze "
    "bundesverordnung rechtsverordnung rechtsverordnungen landesverordnung "
    "verwaltungsverordnung tagesordnung rangordnung unordnung einordnung neuordnung "
    "eu-verordnung eu-richtlinie eu-verordnungen eu-richtlinien "
    "ovg vgh bverwg bverfg bag bsg lsg olg lag bgh".split()
)
_NOT_RULES = ("anordnung", "zuordnung")  # "BSI-Anordnung" is an order, not a rule
# the kind of rule a word ends with, its genitive included ("Gesetzes", "Gesetzbuchs")
_KIND = re.compile(r"(gesetzbuch|gesetz|verordnung|satzung|richtlinie|ordnung)(?:e?s)?$")


def rule_mentions(text: str) -> list[tuple[int, int, str]]:
    """Where a text names a particular rule: (start, end, name), in order."""
    found: list[tuple[int, int, str]] = []
    for pattern in (_COMPOUND, _ABBREVIATION, _AGREEMENT, _EU):
        for match in pattern.finditer(text):
            name = match.group(0).strip()
            lowered = name.lower()
            if len(name) >= 3 and lowered not in _GENERIC and not lowered.endswith(_NOT_RULES):
                found.append((match.start(), match.end(), name))
    # "NIS-2" inside "NIS-2-Richtlinie": the longest name stands for both
    return sorted(
        m for m in found if not any(o != m and o[0] <= m[0] and m[1] <= o[1] for o in found)
    )


def normalised(text: str) -> str:
    """Lower case, "ß" as "ss" (old spellings: "Ladenschluß")."""
    return text.lower().replace("ß", "ss")


def stands_for(name: str, titles: list[str]) -> bool:
    """Whether a compound names one of these laws (titles `normalised`) informally:
    "Mindestlohngesetz" for "Gesetz zur Regelung eines allgemeinen Mindestlohns" (its subject
    and its kind)."""
    lowered = normalised(name)
    kind = _KIND.search(lowered)
    if kind is None:
        return False
    subject = lowered[: kind.start()].rstrip("-")
    subject = subject[:-1] if subject.endswith("s") and len(subject) > 6 else subject
    if len(subject) < 5:
        return False
    return any(subject in title and _title_kind(title) == kind.group(1) for title in titles)


def _title_kind(title: str) -> str | None:
    """The kind of rule a title names: its first word ("Gesetz zur …") or its compound
    ("Onlinezugangsgesetz"); "Neuordnung" in "Gesetz zur Neuordnung …" is not one."""
    words = re.findall(r"[\wäöüß-]+", title)
    first = _KIND.fullmatch(words[0]) if words else None
    if first:
        return first.group(1)
    for word in words:
        kind = _KIND.search(word)
        if kind and word not in _GENERIC:
            return kind.group(1)
    return None
