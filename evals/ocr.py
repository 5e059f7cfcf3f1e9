"""Held-out questions on the scanned court decisions: hit@5 for document and page (OCR'd text).

`python -m evals.ocr` ingests shared/corpora/pdf (incrementally, OCR cached in
evals/.data/ocr/ocr-cache) and searches each question of evals/gold/ocr_questions.jsonl, written
by hand from the OCR'd pages in our own words; also part of `make eval` (`--only ocr`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from evals.harness import RESULTS, ROOT, SHARED, eval_services, ingest, load_jsonl
from evals.metrics import first_hit_rank, retrieval_scores

QUESTIONS = ROOT / "evals" / "gold" / "ocr_questions.jsonl"
PDFS = SHARED / "corpora" / "pdf"
K = 10


def run(log: Callable[[str], None] = print) -> dict[str, Any]:
    """Ingest the PDFs; hit@k of the gold (file, page) and of the gold file alone."""
    questions = load_jsonl(QUESTIONS)
    with eval_services("ocr") as services:
        summary = ingest(services, [PDFS], log)
        scanned = [d for d in services.manifest.documents() if "_SCAN" in d.path]
        page_ranks: list[int | None] = []
        doc_ranks: list[int | None] = []
        rows = []
        for q in questions:
            hits = services.engine.search(q["question"], K).hits
            items = [h.source() for h in hits]
            page_rank = first_hit_rank(
                items, lambda i, q=q: i["path"] == q["doc"] and i["page"] == q["page"]
            )
            doc_rank = first_hit_rank(items, lambda i, q=q: i["path"] == q["doc"])
            page_ranks.append(page_rank)
            doc_ranks.append(doc_rank)
            rows.append(
                {
                    "id": q["id"],
                    "gold": f"{q['doc']} S. {q['page']}",
                    "rank": page_rank,
                    "doc_rank": doc_rank,
                    "top": [
                        f"{i['path']} S. {i['page']}{' (OCR)' if i['ocr'] else ''}"
                        for i in items[:3]
                    ],
                }
            )
    out = {
        "documents_scanned": {d.path.rsplit("/", 1)[-1]: d.chunk_count for d in scanned},
        "document_and_page": retrieval_scores(page_ranks),
        "document": retrieval_scores(doc_ranks),
        "ingest": summary,
        "rows": rows,
    }
    log(f"  document+page: {out['document_and_page']}")
    log(f"  document:      {out['document']}")
    return out


def main() -> None:
    """Run and write evals/results/ocr.json."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = run()
    for row in out["rows"]:
        if row["rank"] is None or row["rank"] > 5:
            print(f"  miss {row['id']}: {row['gold']} → {row['top']}")
    (RESULTS / "ocr.json").write_text(json.dumps(out, ensure_ascii=False, indent=1), "utf-8")
    print(f"wrote {RESULTS / 'ocr.json'}")


if __name__ == "__main__":
    main()
