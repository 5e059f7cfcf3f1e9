"""Social administration: the Sozialgesetzbuch governs it, the VwVfG everything else.

SGB X (Sozialverwaltungsverfahren) repeats most rules of the VwVfG for the authorities that
grant social benefits: § 16 SGB X is § 20 VwVfG (Befangenheit), § 31a is § 35a (vollautomatisierter
Verwaltungsakt), § 33 is § 37. A question about a Sondernutzungserlaubnis or Friedhofsgebühren
matches both equally well, but only the VwVfG answers it; a question about Bürgergeld, the
Jobcenter or a Wohngeldbescheid is answered by the SGB. Without any word of social
administration in the question, a book of the Sozialgesetzbuch ranks below its general twin.
"""

from __future__ import annotations

import re

# words that put a question into social administration (benefits, their authorities, their data)
_SOCIAL = re.compile(
    r"sozial|jobcenter|job ?cent|jugendamt|jugendhilfe|bürgergeld|grundsicherung|"
    r"arbeitslosengeld|\balg\b|hartz|wohngeld|elterngeld|kindergeld|kinderzuschlag|"
    r"unterhaltsvorschuss|bafög|rente\b|renten|rentner|krankenkasse|krankenversicherung|"
    r"pflegekasse|pflegeversicherung|pflegegeld|pflegebedürftig|unfallversicherung|"
    r"berufsgenossenschaft|eingliederungshilfe|hilfe zur pflege|leistungsbezieh|"
    r"leistungsempfäng|\bsgb\b|sozialgesetzbuch|arbeitsagentur|agentur für arbeit|familienkasse|"
    r"versorgungsamt|schwerbehindert|teilhabe|asylbewerberleistung|ärztlich\w* dienst|"
    r"medizinisch\w* dienst|social|welfare|benefit|"
    r"pension|health insurance|unemployment",
    re.IGNORECASE,
)
# the books of the Sozialgesetzbuch by their law key ("SGB 10" → "sgb10", "SGB X" → "sgbx")
_SOCIAL_LAW = re.compile(r"^sgb(?:\d+|[ivx]+)$")


def social(question: str) -> bool:
    """The question is about social administration."""
    return bool(_SOCIAL.search(question))


def social_law(key: str | None) -> bool:
    """The law key is a book of the Sozialgesetzbuch."""
    return bool(key) and bool(_SOCIAL_LAW.match(str(key)))
