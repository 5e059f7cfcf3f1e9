"""The Länder: a rule named as one Land's ("E-Government-Gesetz unseres Landes", "nach der
E-Rechnungsverordnung des Landes Baden-Württemberg", "das bayerische Digitalgesetz").

A federal law and a Land's law of the same name are different rules: the Land's E-Government
Act sets its own deadlines. Sources that hold only the federal one cannot answer for the Land's;
sources that hold the Land's name the Land beside it.
"""

from __future__ import annotations

import re

# each Land: its names as typed (full name first), and the stem of its adjective
LANDS: dict[str, tuple[tuple[str, ...], str]] = {
    "BW": (("Baden-Württemberg", "BW", "BaWü"), "baden-württembergisch"),
    "BY": (("Bayern", "BY", "Freistaat Bayern"), "bayerisch"),
    "BE": (("Berlin",), "berlinisch|berliner"),
    "BB": (("Brandenburg", "Bbg"), "brandenburgisch"),
    "HB": (("Bremen", "HB"), "bremisch|bremer"),
    "HH": (("Hamburg", "HH"), "hamburgisch|hamburger"),
    "HE": (("Hessen",), "hessisch"),
    "MV": (("Mecklenburg-Vorpommern", "MV", "M-V"), "mecklenburg-vorpommersch"),
    "NI": (("Niedersachsen", "Nds"), "niedersächsisch"),
    "NW": (("Nordrhein-Westfalen", "NRW"), "nordrhein-westfälisch"),
    "RP": (("Rheinland-Pfalz", "RLP"), "rheinland-pfälzisch"),
    "SL": (("Saarland",), "saarländisch"),
    "SN": (("Sachsen", "Freistaat Sachsen"), "sächsisch"),
    "ST": (("Sachsen-Anhalt", "LSA"), "sachsen-anhaltisch"),
    "SH": (("Schleswig-Holstein", "SH"), "schleswig-holsteinisch"),
    "TH": (("Thüringen", "Freistaat Thüringen"), "thüringisch|thüringer"),
}
Places = tuple[str, ...]
# a Land not named ("unseres Landes"): any Land's full name, or the two abbreviations in common use
ALL_PLACES: Places = (*(names[0] for names, _ in LANDS.values()), "NRW", "RLP")

_NAME = "|".join(
    sorted((re.escape(n) for names, _ in LANDS.values() for n in names), key=len, reverse=True)
)
# right after the rule's name: "unseres (Bundes)landes", "des Landes (Hessen)", "des Freistaats
# Bayern", "von / aus NRW", "NRW"; "in Bayern" is left out: "Gilt das Bundesmeldegesetz in
# Bayern?" and "Gilt das OZG für Sachsen?" ask about the federal law
_AFTER = re.compile(
    r"\s*(?:(?:unseres|unsres|eures|ihres|dieses|jenes|des)\s+(?:Bundes)?[Ll]ande?s"
    rf"(?:\s+(?P<land1>{_NAME}))?|des\s+Freistaate?s(?:\s+(?P<land2>{_NAME}))?"
    rf"|(?:von|aus)\s+(?P<land3>{_NAME})|[-\s](?P<land4>{_NAME}))(?![\w-])"
)
_ADJECTIVE = re.compile(
    r"(?<![\w-])(?P<adjective>"
    + "|".join(stem for _, stem in LANDS.values())
    + r")(?:e|en|er|es|em)?\s+$",
    re.IGNORECASE,
)


def land_qualifier(text: str, start: int, end: int) -> tuple[int, int, Places] | None:
    """When the rule named at text[start:end] is named as a Land's: where the name and the words
    saying so stand, and the names of the Land (every Land's when it is not named: "unseres
    Landes")."""
    after = _AFTER.match(text, end)
    if after:
        land = next((after[g] for g in ("land1", "land2", "land3", "land4") if after[g]), None)
        return start, after.end(), _places(land) if land else ALL_PLACES
    before = _ADJECTIVE.search(text, 0, start)
    if before:
        adjective = before.group("adjective").lower()
        for names, stem in LANDS.values():
            if re.fullmatch(stem, adjective):
                return before.start(), end, names
    return None


def _places(land: str) -> Places:
    """Every name of the Land one of whose names is given."""
    for names, _ in LANDS.values():
        if land.lower() in (n.lower() for n in names):
            return names
    return (land,)


# the Länder as staff writing in English name them
_ENGLISH = {
    "BW": ("Baden-Württemberg", "Baden-Wuerttemberg"),
    "BY": ("Bavaria", "Bavarian"),
    "HE": ("Hesse", "Hessian"),
    "MV": ("Mecklenburg-Western Pomerania",),
    "NI": ("Lower Saxony",),
    "NW": ("North Rhine-Westphalia", "North Rhine Westphalia"),
    "RP": ("Rhineland-Palatinate",),
    "SN": ("Saxony", "Saxon"),
    "ST": ("Saxony-Anhalt",),
    "TH": ("Thuringia", "Thuringian"),
}
# a city state's name is more often the city's ("gemeldet in Hamburg", "Berlins KI-Chat")
_CITY_STATES = frozenset({"BE", "HB", "HH"})
# two-letter abbreviations are words too ("HE", "SH"): only the unambiguous ones
_SHORT_KEPT = frozenset({"NRW", "RLP", "BaWü", "LSA", "M-V", "Nds"})
# a Land the asker lives in without its name: "bei uns im Bundesland", "in our state"
_OWN_LAND = re.compile(
    r"\b(?:unser(?:e[mns]?)?|eure[mns]?|ihre[mns]?)\s+(?:Bundes)?[Ll]and(?:es)?\b|\blandesweit\b"
    r"|\bin\s+(?:our|my)\s+(?:federal\s+)?state\b|\b(?:our|my)\s+state'?s?\b|\bstatewide\b",
    re.IGNORECASE,
)


def _land_pattern(code: str) -> re.Pattern[str]:
    names, stem = LANDS[code]
    spelled = [n for n in names if len(n) > 3 or n in _SHORT_KEPT] + list(_ENGLISH.get(code, ()))
    words = "|".join(sorted(map(re.escape, spelled), key=len, reverse=True))
    return re.compile(
        rf"(?<![\w-])(?<!Lower )(?:{words})(?![\w-])"
        rf"|(?<![\w-])(?:{stem})(?:e|en|er|es|em)?(?![\w-])",
        re.IGNORECASE,
    )


_LAND_PATTERNS = {code: _land_pattern(code) for code in LANDS if code not in _CITY_STATES}


def lands_named(text: str) -> set[str]:
    """The Länder a question places itself in ("bei uns in Bayern", "in Saxony", "hessische
    Gemeinde"); "*" for its own Land unnamed ("unser Bundesland"); city states left out."""
    named = {code for code, pattern in _LAND_PATTERNS.items() if pattern.search(text)}
    if not named and _OWN_LAND.search(text):
        named.add("*")
    return named


def names_land(text: str, codes: set[str]) -> bool:
    """Whether text names one of the Länder (any, for "*")."""
    wanted = _LAND_PATTERNS.keys() if "*" in codes else codes & _LAND_PATTERNS.keys()
    return any(_LAND_PATTERNS[code].search(text) for code in wanted)


def land_names(codes: set[str], language: str = "de") -> str:
    """'Bayern', 'Bayern und Hessen' ("Bavaria" in English); "" for an unnamed one ("*")."""
    shown = sorted(
        (_ENGLISH.get(code, LANDS[code][0])[0] if language == "en" else LANDS[code][0][0])
        for code in codes
        if code in LANDS
    )
    joiner = " and " if language == "en" else " und "
    return joiner.join(shown)
