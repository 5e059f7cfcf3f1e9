from assistant.store.analysis import GermanAnalyzer, build_vocabulary, words
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
