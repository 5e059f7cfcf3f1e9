"""Language detection that knows German legal notation, and German sentence segmentation."""

from __future__ import annotations

import pytest

from assistant.answer.language import detect_language, split_sentences
from assistant.store.sentences import SentenceStore, segment


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Was regelt § 3a VwVfG?", "de"),
        ("Gilt Art. 5 Abs. 1 lit. c DSGVO für Gemeinden?", "de"),
        ("Art. 5 Abs. 1 lit. c DSGVO", "de"),
        ("§§ 3 bis 5 OZG?", "de"),
        ("What does § 3a VwVfG say about electronic communication?", "en"),
        ("Does the OZG apply to municipalities?", "en"),
        ("Dürfen wir eingescannte Akten wegwerfen?", "de"),
    ],
)
def test_legal_notation_does_not_decide_the_language(question: str, language: str) -> None:
    assert detect_language(question) == language


def test_sentences_are_not_cut_at_abbreviations_dates_or_section_lists() -> None:
    text = (
        "Der Bund stellt rund 820 Mio. Euro bereit. Das Gesetz gilt seit 24. Juli 2024 und "
        "z. B. für das Landesportal. Die Frist nach § 3 Abs. 1 Nr. 2 beträgt ca. 3 Monate. "
        "Dies gilt auch für §§ 3 bis 5."
    )
    assert split_sentences(text) == [
        "Der Bund stellt rund 820 Mio. Euro bereit.",
        "Das Gesetz gilt seit 24. Juli 2024 und z. B. für das Landesportal.",
        "Die Frist nach § 3 Abs. 1 Nr. 2 beträgt ca. 3 Monate.",
        "Dies gilt auch für §§ 3 bis 5.",
    ]


def test_spans_are_verbatim_and_cached(tmp_path) -> None:
    text = "Erster  Satz mit   Leerzeichen. Zweiter Satz, z. B. mit Abkürzung."
    spans = segment(text)
    assert [text[a:b] for a, b in spans] == [
        "Erster  Satz mit   Leerzeichen.",
        "Zweiter Satz, z. B. mit Abkürzung.",
    ]
    store = SentenceStore(tmp_path / "sentences.sqlite3")
    assert store.spans_of([text, text]) == [spans, spans]
    assert store.missing([text, "Neu."]) == ["Neu."]
    store.close()
    again = SentenceStore(tmp_path / "sentences.sqlite3")
    assert again.missing([text]) == []
    again.close()
