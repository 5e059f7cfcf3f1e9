"""The LLM answer path: grounded generation, streaming and validation of the output."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from assistant.answer import llm
from assistant.answer.composition import AnswerComposition
from assistant.answer.llm import fallback_notice
from assistant.answer.models import Answer, Prepared
from assistant.answer.wording import ABSTAIN_TEXT
from assistant.domain import Outcome
from assistant.errors import InvalidRequest

log = logging.getLogger("assistant.answer.engine")  # records keep the ask flow's logger name

STREAM_HOLD = 80  # characters held back while streaming, so a secret split in two is masked


class LlmGeneration(AnswerComposition):
    """Mixin of the engine that answers with the chat model, falling back to extractive."""

    chat_model: Any | None

    def _llm_answer(self, p: Prepared) -> Answer:
        if self.chat_model is None:
            return self._extractive(p, "Kein LLM konfiguriert – extraktive Antwort.")
        messages = llm.build_messages(p.resolved, p.hits, p.language)
        try:
            raw = llm.complete(self.chat_model, messages)
        except Exception as exc:  # any endpoint failure falls back, visibly
            log.warning("LLM endpoint failed: %s", type(exc).__name__)
            return self._extractive(p, fallback_notice(exc))
        return self.finish_llm(p, raw)

    def finish_llm(self, p: Prepared, raw: str) -> Answer:
        """Validate LLM output into an Answer (abstains or falls back when unusable)."""
        checked = llm.check_answer(raw, p.hits)
        if checked.abstained:
            return self._answer(p, ABSTAIN_TEXT[p.language], [], outcome=Outcome.ABSTAIN)
        if not checked.citations:
            return self._extractive(p, "LLM-Antwort ohne gültige Quellen – extraktive Antwort.")
        notes = []
        if checked.invalid_markers:
            notes.append(f"{checked.invalid_markers} ungültige Quellenverweise entfernt")
        if checked.uncited_sentences:
            notes.append(f"{checked.uncited_sentences} Sätze ohne Quelle markiert")
        return self._answer(
            p, checked.text, checked.citations, mode="llm", notice="; ".join(notes) or None
        )

    def stream_llm(self, p: Prepared) -> Iterator[str]:
        """LLM text pieces (secrets redacted); the caller validates the whole with finish_llm."""
        if self.chat_model is None:
            raise InvalidRequest("mode", "kein LLM konfiguriert (LOTSE_LLM_BASE_URL)")
        hold = max(self.redactor.longest, STREAM_HOLD) - 1
        buffer = ""
        for piece in llm.stream(
            self.chat_model, llm.build_messages(p.resolved, p.hits, p.language)
        ):
            buffer = self._redact(buffer + piece)
            if len(buffer) > hold:
                cut = len(buffer) - hold
                yield buffer[:cut]
                buffer = buffer[cut:]
        if buffer:
            yield self._redact(buffer)
