"""The query adapter: loaded per embedding model, fitted so questions land on their passages."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.retrieval.adapter import QueryAdapter, query_adapter
from assistant.retrieval.sections import RankingWeights
from assistant.services import Services


def test_the_bundled_adapter_belongs_to_the_bundled_model(services: Services) -> None:
    model_id = services.embeddings.backend.model_id
    adapter = query_adapter(model_id)
    assert adapter is not None and adapter.matrix.shape == (384, 384)
    assert services.retriever.adapter is adapter
    assert query_adapter("openai:text-embedding-3-small") is None  # fitted for another model


def test_an_adapted_vector_is_unit_length_and_a_wrong_dimension_is_refused() -> None:
    rng = np.random.default_rng(1)
    adapter = QueryAdapter("m", rng.normal(size=(8, 8)).astype(np.float32))
    adapted = adapter.apply(rng.normal(size=8))
    assert adapted is not None and abs(float(np.linalg.norm(adapted)) - 1.0) < 1e-5
    assert adapter.apply(np.ones(5)) is None


@pytest.mark.parametrize("weight", [1.5, 0.0])
def test_the_adapted_search_is_evidence_only_while_its_weight_is_set(indexed, weight) -> None:
    retriever = indexed.retriever
    saved = retriever.weights
    retriever.weights = RankingWeights(adapted=weight)
    try:
        result = retriever.search("Welches Format muss eine Rechnung an eine Bundesbehörde haben?")
    finally:
        retriever.weights = saved
    adapted = [f["adapted_rr"] for _, f in result.units]
    assert (max(adapted) > 0) == (weight > 0)
