"""Laws that bind only the Bund's own people: a question about someone else abstains, saying so."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.answer.doubt import Calibration
from assistant.config import Settings
from assistant.domain import Outcome
from assistant.retrieval.addressees import _data, addressees_named, mismatch, scoped_laws
from assistant.scoring import LinearModel
from assistant.services import Services
from ingest.pipeline import Ingestor
from tests.conftest import FIXTURE_LAWS, LAWS, ROOT, require_shared


@pytest.fixture(scope="module")
def federal(tmp_path_factory: pytest.TempPathFactory, embedding_cache: Path) -> Iterator[Services]:
    """The fixture laws, the real BPolHfV, which binds the Federal Police only (its general part
    and its §§ 17–19 on treatment abroad: a third of the embedding work), and the SoldGG's
    § 12 on compensation, which soldiers only claim."""
    require_shared("Heilfürsorge der Bundespolizei aus der echten BPolHfV")
    folder = tmp_path_factory.mktemp("addressees")
    for law in FIXTURE_LAWS.glob("*.md"):
        shutil.copy(law, folder / law.name)
    text = (LAWS / "bpolhfv.md").read_text(encoding="utf-8")
    general = text[: text.index("## Kapitel 2")]
    abroad = text[text.index("### § 17 ") : text.index("## Kapitel 3")]
    (folder / "bpolhfv.md").write_text(general + abroad, encoding="utf-8")
    text = (LAWS / "soldgg.md").read_text(encoding="utf-8")
    head = text[: text.index("## Abschnitt 1")]
    compensation = text[text.index("#### § 12 ") : text.index("#### § 13 ")]
    (folder / "soldgg.md").write_text(head + compensation, encoding="utf-8")
    settings = Settings(
        data_dir=folder / "data", embedding_cache=embedding_cache, collection="addressees"
    )
    services = Services.build(settings)
    Ingestor(services.index, settings).run([folder])
    # models very sure (0.9999) that the sources cover every question and that an answer would
    # be right: whatever abstains here abstains by the rule, not by doubt
    services.engine.calibration = Calibration(LinearModel({}, 9.0), LinearModel({}, 9.0), 0.5, 0.5)
    yield services
    services.close()


def test_groups_are_named_by_their_words_and_own_addressees_keep_the_law() -> None:
    assert addressees_named("Ich bin Landesbeamtin in Hessen.") == {"landesbeamte"}
    assert "landespolizei" in addressees_named("Polizeikommissar bei der Landespolizei NRW")
    assert addressees_named("A state police officer in Bavaria asks.") == {"landespolizei"}
    assert addressees_named("Mein Sohn sitzt in U-Haft.") == {"jugend_uhaft"}
    assert addressees_named("Wie hoch ist die Hundesteuer?") == frozenset()
    # a Land's civil servant and a law for federal ones: mismatch, unless the question is
    # about federal people too ("Zollbeamter": customs is federal)
    found = mismatch("bnv", addressees_named("Ich bin Landesbeamter und will nebenher kellnern."))
    assert found is not None and found.asked.id == "landesbeamte"
    assert [g.id for g in found.covered] == ["bundesbeamte", "soldaten"]
    assert mismatch("bnv", addressees_named("Ich bin Zollbeamter in Bayern.")) is None
    assert mismatch("ozg", addressees_named("Ich bin Landesbeamter.")) is None
    assert mismatch("puag", addressees_named("Zeugin vor dem Ausschuss des Bayerischen Landtags"))
    # "Beamtin" or "Polizei" alone are a Land's once the question places itself in a Land;
    # a municipality alone does not do ("als Beamter im Gemeinderat" may serve the Bund)
    placed = addressees_named("beamtin unserer gemeinde in niedersachsen will nebenher kellnern")
    assert "landesbeamte" in placed and mismatch("bnv", placed)
    assert "landesbeamte" not in addressees_named("Sonderurlaub als Beamter im Gemeinderat?")
    assert "landespolizei" in addressees_named("Ein Polizist in Sachsen fragt nach Heilfürsorge.")
    # a law all about its people: a question naming none of them is about someone else
    kita = mismatch("soldgg", addressees_named("Entschädigung für eine abgelehnte Bewerberin?"))
    assert kita is not None and kita.asked is None
    assert mismatch("soldgg", addressees_named("Entschädigung für einen Soldaten?")) is None
    assert mismatch("bnv", addressees_named("Wie viel darf ich nebenher verdienen?")) is None


def test_every_group_named_by_contrast_says_which_law_governs_it() -> None:
    groups, scopes = _data()
    assert scoped_laws() == frozenset(scopes)
    for scope in scopes.values():
        assert scope.applies_to and scope.not_to
        assert set(scope.applies_to) <= groups.keys() and set(scope.not_to) <= groups.keys()
        for group in scope.not_to:
            assert groups[group].rule and groups[group].rule_en
    assert all(g.label and g.label_en and g.terms for g in groups.values())
    assert all(t == t.lower().strip() for g in groups.values() for t in g.terms)


def test_a_question_about_someone_the_leading_law_does_not_bind_abstains(
    federal: Services,
) -> None:
    engine = federal.engine
    land = engine.answer(
        "Ich bin Polizeikommissar bei der Landespolizei NRW und fahre in die USA. Übernimmt die "
        "Heilfürsorge die Arztkosten im Urlaub im Ausland?"
    )
    assert land.outcome == Outcome.ABSTAIN and land.abstained and not land.citations
    assert land.answer.startswith(
        "Ihre Frage betrifft die Polizei eines Landes; die Vorschriften, die ich dazu finde "
        "(BPolHfV), gelten nur für die Bundespolizei. Für die Polizei eines Landes gilt anderes "
        "Recht (das Polizei- und Beamtenrecht des Landes); es gehört nicht zu meinen Quellen."
    )
    english = engine.answer(
        "I am a state police officer. Does free medical care cover treatment abroad on holiday?"
    )
    assert english.outcome == Outcome.ABSTAIN
    assert english.answer.startswith("Your question concerns a Land's police; the provisions")
    federal_officer = engine.answer(
        "Ich bin bei der Bundespolizei. Übernimmt die Heilfürsorge die Arztkosten im Urlaub im "
        "Ausland?"
    )
    assert federal_officer.outcome == Outcome.ANSWER
    assert federal_officer.citations[0].law == "BPolHfV"


def test_a_question_about_none_of_a_laws_people_abstains(federal: Services) -> None:
    kita = federal.engine.answer(
        "In unserer Stellenausschreibung für die Kita stand 'junges Team'. Eine abgelehnte "
        "Bewerberin verlangt eine Entschädigung wegen Benachteiligung. Wie hoch kann die sein?"
    )
    assert kita.outcome == Outcome.ABSTAIN and not kita.citations
    assert kita.answer.startswith(
        "Die nächstliegenden Vorschriften in meinen Quellen (SoldGG) gelten nur für "
        "Soldatinnen und Soldaten der Bundeswehr; um sie geht es in Ihrer Frage nicht."
    )
    soldier = federal.engine.answer(
        "Eine Soldatin wurde bei der Beförderung benachteiligt und verlangt eine Entschädigung. "
        "Wie hoch kann die sein?"
    )
    assert soldier.outcome == Outcome.ANSWER and soldier.citations[0].law == "SoldGG"


def test_a_question_naming_the_law_is_asked_about_it(federal: Services) -> None:
    named = federal.engine.answer(
        "Übernimmt die Heilfürsorge nach der BPolHfV bei der Landespolizei Arztkosten im Urlaub "
        "im Ausland?"
    )
    assert named.outcome == Outcome.ANSWER and "gelten nur für" not in named.answer
    assert named.citations[0].law == "BPolHfV"


def test_no_register_question_is_turned_away_by_its_own_section() -> None:
    # the team's everyday questions per § (assistant/data/register): where one names a group its
    # law does not bind, the § itself names that group, so its passage keeps the answer
    require_shared("Registerfragen gegen die echten Gesetzestexte")
    from assistant.store.manifest import law_key_of

    checked = 0
    for path in sorted((ROOT / "assistant" / "data" / "register").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            if law_key_of(entry["law"]) not in scoped_laws():
                continue
            section = _section_text(LAWS / f"{path.stem}.md", entry["section"])
            for question in entry["questions"]:
                if entry["law"].split()[0].lower() in question.lower():
                    continue  # it names the law: asked about it (ParsedQuery.laws)
                checked += 1
                found = mismatch(law_key_of(entry["law"]), addressees_named(question))
                assert found is None or (found.asked and found.asked.named_in(section)), question
    assert checked > 1000


def _section_text(law: Path, section: str) -> str:
    """The text under a § heading of a law file, up to the next heading of any §."""
    text = law.read_text(encoding="utf-8")
    start = re.search(rf"^#+ {re.escape(section)}\b.*$", text, re.MULTILINE)
    assert start is not None, (law.name, section)
    end = re.compile(r"^#+ (?:§|Anlage)", re.MULTILINE).search(text, start.end())
    return text[start.start() : end.start() if end else len(text)]
