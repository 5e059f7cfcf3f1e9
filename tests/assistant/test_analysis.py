import pytest

from assistant.store.analysis import GermanAnalyzer, build_names, build_vocabulary, words
from assistant.store.lexical import LexicalIndex


def test_words_keep_section_signs_together() -> None:
    assert words("Nach § 3a VwVfG und §§ 9 OZG") == ["nach", "§3a", "vwvfg", "und", "§9", "ozg"]


def test_compounds_split_against_vocabulary() -> None:
    analyzer = GermanAnalyzer(build_vocabulary(["online zugang gesetz " * 2]))
    terms = analyzer.terms("Onlinezugangsgesetz")
    assert analyzer.stem("onlinezugang") in terms
    assert analyzer.stem("gesetz") in terms
    assert set(analyzer.terms("Onlinezugang")) & set(terms)


def test_hyphen_compounds_yield_parts() -> None:
    analyzer = GermanAnalyzer()
    assert analyzer.stem("akte") in analyzer.terms("E-Akte")


def test_bm25_ranks_matching_chunk_first_and_respects_mask() -> None:
    index = LexicalIndex.build(
        [
            ("a", "Die elektronische Akte wird eingeführt."),
            ("b", "Parkplätze werden digital bewirtschaftet."),
            ("c", "Akten dürfen nach dem Scannen vernichtet werden."),
        ],
        generation="1",
    )
    hits = index.search("Dürfen eingescannte Akten vernichtet werden?", k=3)
    assert hits[0][0] == "c"
    assert "b" not in [cid for cid, _ in hits]
    masked = index.search("Akten", k=3, allowed=[True, True, False])
    assert [cid for cid, _ in masked] == ["a"]


def test_lexical_index_round_trips(tmp_path) -> None:
    index = LexicalIndex.build([("a", "Portalverbund von Bund und Ländern")], generation="7")
    index.save(tmp_path / "lex")
    loaded = LexicalIndex.load(tmp_path / "lex")
    assert loaded is not None and loaded.generation == "7"
    assert loaded.search("Portalverbund", k=1)[0][0] == "a"
    assert LexicalIndex.load(tmp_path / "missing") is None


def test_word_terms_group_compound_parts_by_word() -> None:
    analyzer = GermanAnalyzer(build_vocabulary(["online zugang gesetz " * 2]))
    groups = analyzer.word_terms("Das Onlinezugangsgesetz regelt Portale")
    assert len(groups) == 3  # "das" is a stop word
    assert analyzer.stem("gesetz") in groups[0] and len(groups[0]) > 1
    assert analyzer.terms("Das Onlinezugangsgesetz regelt Portale") == [
        t for g in groups for t in g
    ]


def _titled_index() -> LexicalIndex:
    body = "Personal und Ausweis. Personal und Ausweis. Akten werden elektronisch geführt."
    return LexicalIndex.build(
        [("a", body), ("b", body), ("c", body), ("d", body)],
        generation="1",
        titles={
            "a": "Personalausweis",
            "b": "Ausstellung; Ausweis",
            "c": "Akteneinsicht",
        },
    )


def test_section_titles_are_a_field_of_their_own() -> None:
    index = _titled_index()
    scores = index.title_scores("Wie funktioniert die Akteneinsicht?", ["a", "b", "c", "d"])
    assert set(scores) == {"c"}  # untitled "d" and non-matching titles score nothing
    assert index.title_scores("Akteneinsicht", ["a", "b"]) == {}  # only the given candidates


def test_each_query_word_counts_once_in_titles() -> None:
    index = _titled_index()
    scores = index.title_scores("Ausstellung Personalausweis", ["a", "b", "c"])
    # "Personalausweis" matches with all its parts (personal, ausweis) but is one word of the
    # question; the title matching two of its words ranks higher.
    assert scores["b"] > scores["a"] > 0


def test_titles_survive_a_round_trip(tmp_path) -> None:
    index = _titled_index()
    index.save(tmp_path / "lex")
    loaded = LexicalIndex.load(tmp_path / "lex")
    assert loaded is not None
    assert loaded.title_scores("Akteneinsicht", ["a", "b", "c"]) == pytest.approx(
        index.title_scores("Akteneinsicht", ["a", "b", "c"])
    )


def test_names_are_acronyms_and_inner_capitals_of_the_corpus() -> None:
    texts = [
        "Die FITKO betreibt mit der BundID das Konto. Die FITKO sitzt in Frankfurt.",
        "Die BundID ist das Konto des Bundes.",
        "Ein EID, noch ein EID ist kein Eid, der Eid bleibt ein Eid.",
        "XBau einmal.",
    ]
    names = build_names(texts)
    assert names["fitko"] == "FITKO" and names["bundid"] == "BundID"
    assert "eid" not in names  # spelt "Eid" more often than "EID"
    assert "xbau" not in names  # seen once
    assert "konto" not in names and "die" not in names


def test_names_survive_a_round_trip(tmp_path) -> None:
    index = LexicalIndex.build([("a", "BundID und BundID")], "g1", names={"bundid": "BundID"})
    index.save(tmp_path / "lex")
    loaded = LexicalIndex.load(tmp_path / "lex")
    assert loaded is not None and loaded.names == {"bundid": "BundID"}
