"""langchain-core BaseRetriever over Digitallotse's hybrid retrieval, for integrators' chains."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.retrieval.hybrid import Filters, HybridRetriever


class LotseRetriever(BaseRetriever):
    """Returns chunks as Documents with provenance metadata (law, section, page, stand)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: HybridRetriever
    k: int = 6
    filters: Filters | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        result = self.retriever.search(query, self.k, self.filters)
        documents: list[Document] = []
        for hit in result.hits:
            metadata: dict[str, Any] = {
                **{k: v for k, v in hit.source().items() if v is not None},
                "chunk_id": hit.chunk.chunk_id,
                "breadcrumb": hit.chunk.breadcrumb,
                "score": hit.score,
            }
            documents.append(
                Document(page_content=hit.chunk.text, metadata=metadata, id=hit.chunk.chunk_id)
            )
        return documents
