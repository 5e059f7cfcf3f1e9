"""Language of a question (German or English) and sentences of a text."""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Any

from assistant.store.sentences import sentences

# German legal notation says nothing about the language a question is written in:
# "§ 3a VwVfG", "Art. 5 Abs. 1 lit. c DSGVO", "§§ 3 bis 5", "S. 2", "Nr. 4", "i. V. m."
_NOTATION = re.compile(
    r"§§?\s*\d+\s?[a-z]?\b"
    r"|\b(?:Art|Abs|Nr|lit|Buchst|Ziff|Satz|S|Kap|Anl|Rn|Rz)\.?\s*(?:\d+[a-z]?|[a-z])\b"
    r"|\b(?:Artikel|Absatz|Anlage|Paragraph|Paragraf)\s*\d+[a-z]?\b"
    r"|\bi\.\s?V\.\s?m\.|\bff?\.(?=\s|$)"
    r"|\b[A-Za-zÄÖÜäöü-]*[A-ZÄÖÜ][A-Za-zÄÖÜäöü-]*[A-ZÄÖÜ][\w-]*"  # VwVfG, DSGVO, BundID, OZG
    r"|\d+(?:[.,]\d+)*",
)
MIN_WORDS = 2
MIN_ENGLISH = 0.75  # probability of English needed to answer in English (German is the default)
# function words that only one of the two languages has: decisive when they clearly dominate
_ENGLISH_WORDS = frozenset(
    "the a an is are was were what which who how why when where does do did can could should "
    "must may of for to on with and or not our we you it this that there under about".split()
)
_GERMAN_WORDS = frozenset(
    "der die das ist sind war welche wer wie warum wann wo muss müssen dürfen darf kann können "
    "von für zu im mit und oder nicht unsere wir ihr es dass gibt gilt ein eine auch bei".split()
)


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(["de", "en"])
    return identifier


_LOCK = threading.Lock()


def prose(text: str) -> str:
    """The words of text without legal notation, abbreviations and numbers."""
    return " ".join(_NOTATION.sub(" ", text).split())


def detect_language(text: str) -> str:
    """'en' when the prose of the question is English, else 'de' (also when undecidable)."""
    words = prose(text)
    tokens = re.findall(r"[^\W\d_]{2,}", words.lower())
    if len(tokens) < MIN_WORDS:
        return "de"
    english = sum(t in _ENGLISH_WORDS and t not in _GERMAN_WORDS for t in tokens)
    german = sum(t in _GERMAN_WORDS and t not in _ENGLISH_WORDS for t in tokens)
    if abs(english - german) >= 2:  # "What is the Portalverbund under the Onlinezugangsgesetz?"
        return "en" if english > german else "de"
    with _LOCK:
        language, probability = _identifier().classify(words)
    return "en" if language == "en" and probability >= MIN_ENGLISH else "de"


def split_sentences(text: str) -> list[str]:
    """Sentences of a text (German-aware segmentation), whitespace kept as in the text."""
    return [s.strip() for s in sentences(text) if s.strip()]
