"""Fit the query adapter (assistant/data/adapter.npz) on the register and the dev questions.

Each register question (written by the team from the law texts, never from an evaluation
question) is a positive pair with the chunks of the § it points at; so is each in-corpus dev law
question (since session 34) with the chunks of its gold §§; every other chunk of the 119 laws is
a negative. A square matrix W, started at the identity, is fitted so that the softmax over all
chunks of (W·question)·chunk / τ puts its mass on the gold chunks (Adam, mini-batches, fixed
seed). `--check` first measures what the dev questions add, out of fold: the dev sets in two
halves, each half's dense search alone (the section of the best chunk) with an adapter fitted on
the register and the other half, against the register alone, apart for questions whose gold §
a question of the other half also asks about ("seen") and the rest. The frozen test and blind
sets are never read here.
"""

from __future__ import annotations

import argparse
import io
from typing import Any

import numpy as np

from assistant.retrieval.adapter import ADAPTER_FILE
from assistant.retrieval.register import bundled_entries
from assistant.store.dense import DenseMatrix
from assistant.store.manifest import law_key_of
from evals.harness import ROOT, eval_services, load_jsonl
from evals.held_out import HALVES, save_halves
from evals.laws import HELDOUT_DEV_ALL
from evals.metrics import retrieval_scores
from evals.ranker import LAW_SETS

# every readable in-corpus law dev set (the frozen test and the blind sets are not among them)
DEV_SETS = (*LAW_SETS, *(p for p in HELDOUT_DEV_ALL if p not in LAW_SETS))

OUT = ROOT / "assistant" / "data" / ADAPTER_FILE
TEMPERATURE = 0.02
STEPS = 1500
BATCH = 512
LEARNING_RATE = 1e-3


def _normalised(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1.0)


def collect() -> dict[str, Any]:
    """Chunk vectors with their (doc, §), register questions and dev questions, embedded."""
    with eval_services("laws") as services:
        index = services.index
        matrix = DenseMatrix.build(("fit", 0), index.vectors.all_vectors())
        if not matrix.ids:
            raise SystemExit("no dense vectors in evals/.data/laws: run `make eval` once first")
        records = index.manifest.chunks(matrix.ids)
        sections: list[tuple[str, str]] = []
        doc_of_law: dict[str, str] = {}
        for cid in matrix.ids:
            record = records[cid]
            sections.append((record.doc_id, record.metadata.get("section") or ""))
            if record.metadata.get("law"):
                doc_of_law[law_key_of(record.metadata["law"])] = record.doc_id
        entries = bundled_entries()
        questions = index.embeddings.embed_passages([e.question for e in entries], kind="query")
        targets = [(doc_of_law.get(e.law, ""), e.section) for e in entries]
        dev = [
            {**q, "set": path.name}
            for path in DEV_SETS
            for q in load_jsonl(path)
            if q.get("gold") and q.get("kind") not in ("followup", "out_of_corpus")
        ]
        dev_vectors = index.embeddings.embed_passages([q["q"] for q in dev], kind="query")
        return {
            "model_id": services.embeddings.backend.model_id,
            "chunks": matrix.vectors,
            "sections": sections,
            "questions": _normalised(questions),
            "targets": targets,
            "dev": [[tuple(g) for g in q["gold"]] for q in dev],
            "dev_sets": [q["set"] for q in dev],
            "dev_vectors": _normalised(dev_vectors),
        }


def fit(chunks: np.ndarray, of_chunk: np.ndarray, questions: np.ndarray,
        targets: list[np.ndarray], steps: int = STEPS, seed: int = 0) -> np.ndarray:
    """The matrix W (multi-positive softmax cross-entropy over all chunks, Adam); targets holds
    each question's gold section numbers."""
    dim = chunks.shape[1]
    w = np.eye(dim, dtype=np.float32)
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    rng = np.random.default_rng(seed)
    for step in range(1, steps + 1):
        batch = rng.choice(len(questions), min(BATCH, len(questions)), replace=False)
        q = questions[batch]
        logits = (q @ w.T) @ chunks.T / TEMPERATURE
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        on_target = p * np.stack([np.isin(of_chunk, targets[i]) for i in batch])
        mass = on_target.sum(axis=1, keepdims=True) + 1e-12
        grad_logits = (p - on_target / mass) / len(batch)
        grad = ((grad_logits @ chunks).T @ q) / TEMPERATURE
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad * grad
        w -= LEARNING_RATE * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
    return w


def dense_scores(vectors: np.ndarray, chunks: np.ndarray, of_chunk: np.ndarray,
                 gold: list[set[int]]) -> dict[str, float]:
    """hit@1, hit@5 and MRR@10 of the § ranking by each §'s best chunk."""
    order = np.argsort(of_chunk, kind="stable")
    starts = np.concatenate([[0], np.flatnonzero(np.diff(of_chunk[order])) + 1])
    section_ids = of_chunk[order][starts]
    best = np.maximum.reduceat(vectors @ chunks[order].T, starts, axis=1)
    ranks: list[int | None] = []
    for row, wanted in zip(best, gold, strict=True):
        ranked = section_ids[np.argsort(-row)[:10]]
        ranks.append(next((i + 1 for i, s in enumerate(ranked) if s in wanted), None))
    scores = retrieval_scores(ranks)
    return {k: round(scores[k], 3) for k in ("hit@1", "hit@5", "mrr@10")}


def check(data: dict[str, Any], of_chunk: np.ndarray, register: np.ndarray,
          register_targets: list[np.ndarray], dev_targets: list[np.ndarray],
          steps: int) -> list[tuple[np.ndarray, list[str]]]:
    """Out of fold: each half of the dev sets searched with the register's adapter and with one
    fitted on the register and the other half ("seen": its gold § is asked about there); the
    half adapters with the sets each left out (evals/held_out.py)."""
    base = fit(data["chunks"], of_chunk, register, register_targets, steps)
    names = list(dict.fromkeys(data["dev_sets"]))
    halves: list[tuple[np.ndarray, list[str]]] = []
    for held in (set(names[0::2]), set(names[1::2])):
        train = [i for i, n in enumerate(data["dev_sets"]) if n not in held and len(dev_targets[i])]
        w = fit(data["chunks"], of_chunk, np.vstack([register, data["dev_vectors"][train]]),
                register_targets + [dev_targets[i] for i in train], steps)
        asked = {int(s) for i in train for s in dev_targets[i]}
        for kind in ("seen", "unseen"):
            rows = [i for i, n in enumerate(data["dev_sets"]) if n in held and len(dev_targets[i])
                    and (kind == "seen") == bool(asked & set(dev_targets[i].tolist()))]
            gold = [set(dev_targets[i].tolist()) for i in rows]
            vectors = data["dev_vectors"][rows]
            print(f"{sorted(held)} {kind} ({len(rows)}): register only "
                  f"{dense_scores(_normalised(vectors @ base.T), data['chunks'], of_chunk, gold)}"
                  f" -> with the other half's questions "
                  f"{dense_scores(_normalised(vectors @ w.T), data['chunks'], of_chunk, gold)}")
        halves.append((w, sorted(held)))
    return halves


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=STEPS)
    parser.add_argument("--check", action="store_true", help="measure the dev share first")
    parser.add_argument("--dry-run", action="store_true", help="report only, write nothing")
    args = parser.parse_args()
    data = collect()
    number: dict[tuple[str, str], int] = {}
    of_chunk = np.array([number.setdefault(s, len(number)) for s in data["sections"]])
    known = [i for i, t in enumerate(data["targets"]) if t in number]
    register = data["questions"][known]
    register_targets = [np.array([number[data["targets"][i]]]) for i in known]
    dev_targets = [np.array([number[g] for g in golds if g in number]) for golds in data["dev"]]
    with_gold = [i for i, t in enumerate(dev_targets) if len(t)]
    print(f"{len(known)} register questions for {len({int(t[0]) for t in register_targets})} "
          f"sections, {len(with_gold)} dev questions, {len(of_chunk)} chunks")
    halves = []
    if args.check:
        halves = check(data, of_chunk, register, register_targets, dev_targets, args.steps)
    w = fit(data["chunks"], of_chunk, np.vstack([register, data["dev_vectors"][with_gold]]),
            register_targets + [dev_targets[i] for i in with_gold], args.steps)
    if args.dry_run:
        return
    buffer = io.BytesIO()
    np.savez_compressed(buffer, model_id=np.array(data["model_id"]), matrix=w.astype(np.float16))
    OUT.write_bytes(buffer.getvalue())
    print(f"wrote {OUT} ({len(buffer.getvalue()) // 1024} KB)")
    if halves:
        save_halves(data["model_id"], halves)
        print(f"wrote {HALVES}")
    elif HALVES.is_file():
        HALVES.unlink()  # they belonged to the adapter just replaced
        print(f"removed {HALVES}: run with --check before fitting on or reporting dev sets")


if __name__ == "__main__":
    main()
