"""`lotse enrich`: questions per § from the LLM, resumable, cached by content hash."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from assistant.config import Settings
from assistant.providers.llm import build_chat_model
from assistant.services import Services
from assistant.store.enrichment import EnrichmentStore
from ingest.enrich import enrich, law_sections
from ingest.pipeline import Ingestor
from tests.conftest import SAMPLE_LAWS, cli_env, lotse
from tests.fakes import FakeOpenAI


def _questions(messages: list[dict]) -> str:
    label = messages[-1]["content"].splitlines()[0]
    return json.dumps([f"Was regelt {label} für uns?", f"Wann gilt {label}?"])


def test_enrich_generates_once_and_resumes(tmp_path: Path, settings: Settings) -> None:
    folder = tmp_path / "laws"
    folder.mkdir()
    shutil.copy(SAMPLE_LAWS / "ozg.md", folder / "ozg.md")
    with FakeOpenAI(_questions) as fake, Services.build(settings) as services:
        Ingestor(services.index, settings).run([folder])
        model = build_chat_model(Settings(llm_base_url=fake.base_url, llm_timeout=5))
        store = EnrichmentStore(settings.enrichment_path)
        sections = list(law_sections(services.manifest))
        assert sections and all(s.law == "ozg" for s in sections)

        fake.status = 500  # the endpoint fails for the first two §§: counted, not fatal
        first = enrich(services.manifest, store, model, "m", limit=2)
        assert first.failed == 2 and first.generated == 0
        fake.status = None
        done = enrich(services.manifest, store, model, "m", limit=3)
        assert done.generated == 3  # an interrupted run continues where it stopped
        rest = enrich(services.manifest, store, model, "m")
        assert rest.generated == len(sections) - 3 and rest.cached == 3
        calls = len(fake.chat_requests)
        again = enrich(services.manifest, store, model, "m")
        assert again.generated == 0 and again.cached == len(sections)
        assert len(fake.chat_requests) == calls  # nothing sent twice

        text = (folder / "ozg.md").read_text(encoding="utf-8")
        (folder / "ozg.md").write_text(
            text.replace("Portalverbund für digitale", "Portalverbund für alle digitalen"),
            encoding="utf-8",
        )
        Ingestor(services.index, settings).run([folder])
        changed = enrich(services.manifest, store, model, "m")
        assert changed.generated == 1  # only the § whose text changed
        assert sum(1 for law, section, _ in store.entries() if section == "§ 1") == 2

        register = services.retriever.register
        assert register is not None
        entries = register.get({"ozg"}).entries
        assert any(e.origin == "llm" and e.section == "§ 1" for e in entries)
        assert any(e.origin == "team" for e in entries)
        store.close()


def test_enrich_without_an_llm_is_a_usage_error(settings: Settings) -> None:
    result = lotse("enrich", env=cli_env(settings), timeout=120)
    assert result.returncode == 2
    assert "LOTSE_LLM_BASE_URL" in result.stderr and "Traceback" not in result.stderr
