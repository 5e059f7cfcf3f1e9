"""Fitting the query adapter: questions seen through a distortion land on their sections."""

from __future__ import annotations

import numpy as np

from evals.adapter import dense_scores, fit


def _toy(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Passages in 40 sections; questions are their section's centre seen through a fixed
    distortion (everyday wording), plus noise."""
    rng = np.random.default_rng(seed)
    dim, sections = 16, 40
    centres = rng.normal(size=(sections, dim))
    of_chunk = np.repeat(np.arange(sections), 2)
    chunks = centres[of_chunk] + 0.3 * rng.normal(size=(len(of_chunk), dim))
    distortion = 0.5 * np.eye(dim) + rng.normal(size=(dim, dim)) / np.sqrt(dim)
    target = rng.integers(0, sections, 600)
    questions = centres[target] @ distortion.T + 0.3 * rng.normal(size=(600, dim))

    def unit(m: np.ndarray) -> np.ndarray:
        return (m / np.linalg.norm(m, axis=1, keepdims=True)).astype(np.float32)

    return unit(chunks), of_chunk, unit(questions), target


def test_fitting_brings_questions_to_their_sections() -> None:
    chunks, of_chunk, questions, target = _toy(0)
    train, held = slice(0, 400), slice(400, 600)
    w = fit(chunks, of_chunk, questions[train], [np.array([t]) for t in target[train]],
            steps=300)
    gold = [{int(t)} for t in target[held]]
    before = dense_scores(questions[held], chunks, of_chunk, gold)
    adapted = questions[held] @ w.T
    after = dense_scores(adapted / np.linalg.norm(adapted, axis=1, keepdims=True), chunks,
                         of_chunk, gold)
    assert after["hit@1"] > before["hit@1"] + 0.1  # on questions it was not fitted on


def test_a_question_with_two_gold_sections_is_carried_towards_both() -> None:
    chunks, of_chunk, questions, target = _toy(1)
    pairs = [np.array([t, (t + 1) % 40]) for t in target[:400]]
    w = fit(chunks, of_chunk, questions[:400], pairs, steps=300)
    gold = [{int(t), int((t + 1) % 40)} for t in target[400:]]
    adapted = questions[400:] @ w.T
    after = dense_scores(adapted / np.linalg.norm(adapted, axis=1, keepdims=True), chunks,
                         of_chunk, gold)
    assert after["hit@1"] > dense_scores(questions[400:], chunks, of_chunk, gold)["hit@1"] + 0.1
