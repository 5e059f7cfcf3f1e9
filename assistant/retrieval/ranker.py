"""The section ranker: a logistic model over each unit's evidence, fitted on dev questions.

Reciprocal rank fusion only sees ranks; the ranker also sees how close the evidence is (the
dense similarity of the best chunk, of the best register question, the BM25 score, all relative
to the best candidate) and where the unit's law stands in law routing. Weights are fitted by
`python -m evals.ranker` on the dev questions and stored per embedding model in
assistant/data/ranker.json; without weights for the model in use, the fused ranks decide.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from assistant.scoring import LinearModel

FEATURES = (
    "fused",  # reciprocal-rank fusion score of the unit, relative to the best unit
    "dense",  # best dense similarity of the unit's chunks minus the best overall
    "dense_rr",  # 1 / (1 + dense rank of its best chunk), 0 when not among the candidates
    "adapted_rr",  # … in the dense search with the adapted question vector (see adapter.py)
    "lexical",  # best BM25 score relative to the best overall
    "lexical_rr",
    "title_rr",  # rank of the § title match
    "register",  # best register-question similarity minus the best overall
    "register_rr",
    "register_lexical_rr",
    "law_rr",  # rank of the unit's law in law routing
    "named",  # the question names the unit's law
    "defines",  # the unit defines the term a "Was ist …?" question asks about
    "unregistered",  # no register question points at the unit's law, others' do
)
MISSING_SIMILARITY = -0.15  # relative similarity used when a list does not contain the unit


@lru_cache(maxsize=8)
def ranker_model(model_id: str) -> LinearModel | None:
    """The ranker fitted for an embedding model, or None (then fused ranks decide)."""
    path = resources.files("assistant") / "data" / "ranker.json"
    if not path.is_file():
        return None
    entry = json.loads(path.read_text(encoding="utf-8")).get("models", {}).get(model_id)
    if not entry:
        return None
    return LinearModel.from_json(entry)


def reciprocal(rank: int | None) -> float:
    """1 / (1 + rank) for a 0-based rank; 0 when absent."""
    return 0.0 if rank is None else 1.0 / (1.0 + rank)
