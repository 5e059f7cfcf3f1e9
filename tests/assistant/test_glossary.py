"""English questions: German translations from FreeDict's English–German dictionary."""

from __future__ import annotations

import gzip
import logging
import os
import threading
import time
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.retrieval.glossary import DEFAULT_PATH, Glossary, read_glossary, translations
from assistant.services import Services

_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
ENTRIES = {
    "fee": [
        "fee /fiː/\nHonorar <neut>, Lohn <masc>\n",
        'fee /fiː/\nGebühr <fem> [fin.]\n      "pay a fee"  - eine Gebühr zahlen\n see: {fees}\n',
    ],
    "time limit": ["time limit\nFrist <fem> [adm.] , Zeitlimit <neut>\n   Synonym: {deadline}\n"],
    "0001": ["0001\nnot a word\n"],
}


def _code(number: int) -> str:
    digits = ""
    while True:
        digits = _DIGITS[number % 64] + digits
        number //= 64
        if not number:
            return digits


def _dictd(folder: Path) -> Path:
    """A small dictd dictionary (index and dictzip-compatible gzip data) in the real format."""
    data, lines = b"", []
    for head, bodies in ENTRIES.items():
        for body in bodies:
            encoded = body.encode()
            lines.append(f"{head}\t{_code(len(data))}\t{_code(len(encoded))}")
            data += encoded
    index = folder / "eng-deu.index"
    index.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with gzip.open(folder / "eng-deu.dict.dz", "wb") as packed:
        packed.write(data)
    return index


def test_an_entry_gives_its_translations_without_tags_examples_or_cross_references() -> None:
    assert translations(ENTRIES["fee"][1]) == (True, ["gebühr"])
    assert translations(ENTRIES["time limit"][0]) == (True, ["frist", "zeitlimit"])
    assert translations(ENTRIES["fee"][0]) == (False, ["honorar", "lohn"])


def test_administrative_and_legal_senses_come_first(tmp_path: Path) -> None:
    glossary = read_glossary(_dictd(tmp_path))
    assert glossary == {"fee": ["gebühr", "honorar", "lohn"], "time limit": ["frist", "zeitlimit"]}


def test_keys_are_terms_and_dictionary_forms_of_content_words(tmp_path: Path) -> None:
    glossary = Glossary(_dictd(tmp_path), tmp_path / "glossary.sqlite3")
    assert glossary.keys("Which time limit applies to the fees?") == [
        "time limit",
        "time",
        "limit",
        "applies",
        "fee",
    ]
    known = {"gebühr", "frist", "lohn"}
    assert glossary.expansions(glossary.keys("the fees"), known.__contains__, 0.3) == [
        ("gebühr", 0.3),
        ("lohn", 0.3),
    ]
    # the most common word of the corpus first: the order of FreeDict's senses is not frequency
    rank = {"gebühr": 5.0, "lohn": 1.0}.__getitem__
    assert glossary.expansions(["fee"], known.__contains__, 0.3, rank)[0] == ("lohn", 0.3)
    # translate looks the question up once and gives what keys + expansions give
    assert glossary.translate("the fees", known.__contains__, 0.3, rank) == [
        ("lohn", 0.3),
        ("gebühr", 0.3),
    ]
    assert (tmp_path / "glossary.sqlite3").exists()  # parsed once, then read from the cache
    assert Glossary(glossary.path, tmp_path / "glossary.sqlite3")._cached()
    os.utime(glossary.path, ns=(0, 0))  # a changed dictionary file is parsed anew
    assert not Glossary(glossary.path, tmp_path / "glossary.sqlite3")._cached()


def test_without_the_dictionary_nothing_is_expanded(tmp_path: Path) -> None:
    glossary = Glossary(tmp_path / "missing.index")
    assert not glossary.available
    assert glossary.expansions(["fee"], lambda w: True, 0.3) == []


@pytest.mark.skipif(not DEFAULT_PATH.exists(), reason="Debian dict-freedict-eng-deu (make test)")
def test_english_questions_search_with_german_words_of_the_law(indexed: Services) -> None:
    question = "Do federal agencies have to accept an electronic invoice?"
    english = indexed.retriever.search(question, 5, language="en")
    words = {w for w, _ in english.parsed.expansions}
    assert {"rechnung", "elektronisch"} <= words
    german = indexed.retriever.search(question, 5, language="de")
    assert not {w for w, _ in german.parsed.expansions} & {"rechnung", "elektronisch"}


class _SlowMap(Glossary):
    """A word map whose parsing takes a while, so two maps parse and write at the same time."""

    def parse(self) -> dict[str, list[str]]:
        time.sleep(0.2)
        return {f"wort{i}": [f"verwandt{i}", "gebühr"] for i in range(20_000)}


def test_two_maps_on_one_cache_file_parsing_at_once_both_get_every_entry(
    tmp_path: Path,
) -> None:
    source = _dictd(tmp_path)
    maps = [_SlowMap(source, tmp_path / "words.sqlite3") for _ in range(3)]
    errors: list[BaseException] = []

    def load(words: Glossary) -> None:
        try:
            words.load()
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=load, args=(m,)) for m in maps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for words in maps:
        assert words.lookup(["wort0", "wort19999"]) == {
            "wort0": ["verwandt0", "gebühr"],
            "wort19999": ["verwandt19999", "gebühr"],
        }
    assert list(tmp_path.glob("words.sqlite3.tmp-*")) == []


def test_missing_word_lists_are_logged_and_reported(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    missing = settings.model_copy(
        update={"thesaurus_path": tmp_path / "th_de_DE_v2.dat", "glossary_path": None}
    )
    with Services.build(missing) as services:
        assert services.word_lists() == {"thesaurus": False, "glossary": False}
    assert f"Thesaurus fehlt ({tmp_path / 'th_de_DE_v2.dat'}, Debian-Paket mythes-de)" in (
        caplog.text
    )
    assert "Glossary fehlt" not in caplog.text  # switched off on purpose: nothing to warn about
