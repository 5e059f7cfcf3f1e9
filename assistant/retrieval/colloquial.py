"""Colloquial words staff use for a term the law texts use ("Perso", "schreddern")."""

from __future__ import annotations

import re

# Colloquial words staff use for a term the texts use, read as that term by every stage (the
# question's vector and the scope model too, which a lexical expansion does not reach): "Was
# kostet ein neuer Perso?" abstained where "… Personalausweis?" was answered. Each word occurs in
# none of the bundled texts, the term that replaces it in one of them (a test checks both).
COLLOQUIAL: dict[str, str] = {
    "perso": "Personalausweis",
    "persos": "Personalausweise",
    "schreddern": "vernichten",
    "schreddert": "vernichtet",
    "geschreddert": "vernichtet",
}
_WORDS = re.compile(
    r"\b(?:" + "|".join(sorted(map(re.escape, COLLOQUIAL), key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)


def plain_words(text: str) -> str:
    """The question with staff's colloquial words replaced by the texts' own."""
    return _WORDS.sub(lambda match: COLLOQUIAL[match.group(0).lower()], text)
