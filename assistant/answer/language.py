"""Tiny language detection (German or English) and sentence splitting."""

from __future__ import annotations

import re

_EN = set(
    [
        "the",
        "a",
        "an",
        "is",
        "are",
        "was",
        "were",
        "what",
        "which",
        "who",
        "whom",
        "how",
        "why",
        "when",
        "where",
        "does",
        "do",
        "did",
        "can",
        "could",
        "should",
        "must",
        "may",
        "of",
        "for",
        "to",
        "in",
        "on",
        "with",
        "and",
        "or",
        "not",
        "our",
        "we",
        "you",
        "it",
        "this",
        "that",
        "there",
    ]
)
_DE = set(
    [
        "der",
        "die",
        "das",
        "ist",
        "sind",
        "war",
        "was",
        "welche",
        "wer",
        "wie",
        "warum",
        "wann",
        "wo",
        "muss",
        "müssen",
        "dürfen",
        "darf",
        "kann",
        "können",
        "von",
        "für",
        "zu",
        "im",
        "in",
        "mit",
        "und",
        "oder",
        "nicht",
        "unsere",
        "wir",
        "ihr",
        "es",
        "dies",
        "dass",
        "gibt",
        "gilt",
        "ein",
        "eine",
    ]
)
_SENTENCE = re.compile(r"(?<=[.!?;])\s+(?=[A-ZÄÖÜ(„\"])|\n\s*\n|\n(?=\(\d+\))")


def detect_language(text: str) -> str:
    """'en' when English function words dominate, else 'de'."""
    words = re.findall(r"[a-zäöüß]+", text.lower())
    en = sum(1 for w in words if w in _EN and w not in _DE)
    de = sum(1 for w in words if w in _DE and w not in _EN)
    return "en" if en > de else "de"


def split_sentences(text: str) -> list[str]:
    """Sentences of a passage; numbered paragraphs '(1)' start new sentences."""
    parts = [p.strip() for p in _SENTENCE.split(text)]
    return [re.sub(r"\s+", " ", p) for p in parts if p and p.strip()]
