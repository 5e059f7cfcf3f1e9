"""Colloquial words staff use for a term the law texts use ("Perso", "schreddern")."""

from __future__ import annotations

import re

# Colloquial words staff use for a term the texts use, read as that term by every stage (the
# question's vector and the scope model too, which a lexical expansion does not reach): "Was
# kostet ein neuer Perso?" abstained where "… Personalausweis?" was answered
COLLOQUIAL: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bpersos?\b", re.IGNORECASE), "Personalausweis"),
    (re.compile(r"\bgeschreddert\b", re.IGNORECASE), "vernichtet"),
    (re.compile(r"\bschreddert\b", re.IGNORECASE), "vernichtet"),
    (re.compile(r"\bschreddern\b", re.IGNORECASE), "vernichten"),
    (re.compile(r"\bschredder\b", re.IGNORECASE), "Aktenvernichter"),
)


def plain_words(text: str) -> str:
    """The question with staff's colloquial words replaced by the texts' own."""
    for pattern, word in COLLOQUIAL:
        if pattern.search(text):
            text = pattern.sub(word, text)
    return text
