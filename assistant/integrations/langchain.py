"""langchain-core BaseRetriever over the core facade, for integrators' chains."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.core import Assistant, Filters, Principal


class LotseRetriever(BaseRetriever):
    """Chunks as Documents with provenance metadata (law, section, page, stand); text redacted
    and visibility checked by the core for the given principal."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    assistant: Assistant
    principal: Principal
    k: int = 6
    filters: Filters | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        documents: list[Document] = []
        for hit in self.assistant.search(self.principal, query, self.k, self.filters):
            metadata: dict[str, Any] = {
                **{k: v for k, v in hit.source.items() if v is not None},
                "chunk_id": hit.chunk_id,
                "score": hit.score,
            }
            documents.append(Document(page_content=hit.text, metadata=metadata, id=hit.chunk_id))
        return documents
