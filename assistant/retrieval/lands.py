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
