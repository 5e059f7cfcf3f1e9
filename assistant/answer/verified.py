"""When a new question means the same as one advisors answered.

Measured on held-out pairs (evals/paraphrases.py): the embedding similarity of two questions
cannot tell a paraphrase from a near miss on the same topic (near misses are the more similar),
so similarity only finds candidates. A verified answer replaces the answer when the questions are
the same after normalisation, or when the configured LLM judges them the same; otherwise it is
offered beside the answer, with the question it was written for, for the asker to judge.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Any

import numpy as np

from assistant.answer.models import Answer, Citation
from assistant.domain import Outcome

# what must agree between two questions that mean the same: numbers (years, amounts, §§)
# and abbreviations written in capitals (laws, programmes: OZG, BDSG, EfA)
_ANCHOR = re.compile(r"\b\d+[a-z]?\b|\b[A-ZÄÖÜ][A-Za-zÄÖÜäöü-]*[A-ZÄÖÜ][\w-]*\b")


JUDGE_SYSTEM = (
    "Du prüfst, ob zwei Fragen von Verwaltungsmitarbeitenden dasselbe fragen, sodass dieselbe "
    "Antwort passt. Schon ein anderer Fall, eine andere Frist, Zahl, Behörde oder ein anderes "
    "Gesetz macht sie verschieden. Antworte nur mit JA oder NEIN."
)
JUDGE_USER = "Beantwortete Frage: {known}\nNeue Frage: {asked}\nDieselbe Frage?"


@dataclass(frozen=True)
class MatchPolicy:
    """Fitted on held-out paraphrase and near-miss pairs (evals/paraphrases.py)."""

    min_similarity: float  # from here a verified answer is a candidate (offered or judged)
    guard: bool = False  # anchors (numbers, abbreviations) of the two questions must agree


def policy(model_id: str, override: float | None = None) -> MatchPolicy:
    """The policy fitted for an embedding model (the bundled model's when unknown)."""
    path = resources.files("assistant") / "data" / "verified.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    entry = data["models"].get(model_id) or data["models"][data["default"]]
    threshold = float(entry["min_similarity"]) if override is None else override
    return MatchPolicy(threshold, bool(entry.get("guard", True)))


def anchors(text: str) -> set[str]:
    """Numbers and capitalised abbreviations of a question, lower-cased."""
    return {m.group(0).lower() for m in _ANCHOR.finditer(text)}


def contradicts(a: str, b: str) -> bool:
    """True when both questions name anchors and neither's anchors contain the other's."""
    left, right = anchors(a), anchors(b)
    if not left or not right:
        return False
    return not (left <= right or right <= left)


def similarities(query: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """Cosine similarity of one vector to each row."""
    q = query / (np.linalg.norm(query) or 1.0)
    norms = np.linalg.norm(vectors, axis=1)
    norms[norms == 0] = 1.0
    return np.asarray((vectors @ q) / norms)


def means_same(policy: MatchPolicy, similarity: float, asked: str, known: str) -> bool:
    """The decision: similar enough and (with the guard) no contradicting anchors."""
    if similarity < policy.min_similarity:
        return False
    return not (policy.guard and contradicts(asked, known))


def normalise(question: str) -> str:
    """A question without case, punctuation and extra spaces (for 'the same question')."""
    return " ".join(re.findall(r"\w+", question.casefold()))


def judge(chat_model: Any, known: str, asked: str) -> bool:
    """The LLM's verdict: do both questions ask the same thing (raises on endpoint failure)."""
    user = JUDGE_USER.format(known=known, asked=asked)
    reply = str(chat_model.invoke([("system", JUDGE_SYSTEM), ("user", user)]).content)
    return reply.strip().upper().startswith("JA")


def offer_text(offer: dict[str, Any]) -> str:
    """The offered verified answer as a paragraph: dated, with the question it answers."""
    date = datetime.fromtimestamp(float(offer["published_at"])).strftime("%d.%m.%Y")
    return (
        f"Geprüfte Antwort der Beratung vom {date} zu der ähnlichen Frage „{offer['question']}“ "
        f"(prüfen Sie, ob sie Ihrer Frage entspricht): {str(offer['text']).strip()}"
    )


def verified_answer(
    question: str,
    text: str,
    published: float,
    citations: list[Citation],
    similarity: float,
    language: str = "de",
) -> Answer:
    """The advisors' answer, marked as theirs and dated, with their sources."""
    date = datetime.fromtimestamp(published).strftime("%d.%m.%Y")
    lead = f"Geprüfte Antwort der Beratung vom {date}:"
    if language == "en":
        lead = f"Verified answer of the advisory service of {date} (in German):"
    return Answer(
        answer=f"{lead} {text.strip()}",
        abstained=False,
        confidence=float(similarity),
        mode="verified",
        citations=citations,
        language=language,
        question=question,
        resolved_question=question,
        outcome=Outcome.ANSWER,
        verified=True,
    )
