"""Dev questions are searched with a half adapter that never saw their set; others with the
shipped one; a missing or stale halves file stops the fitting scripts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from assistant.services import Services
from evals import held_out


@pytest.fixture
def halves_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "adapter_halves.npz"
    monkeypatch.setattr(held_out, "HALVES", path)
    held_out._halves.cache_clear()
    yield path
    held_out._halves.cache_clear()


def test_a_dev_set_gets_the_half_that_left_it_out(services: Services, halves_file: Path) -> None:
    shipped = services.retriever.adapter
    assert shipped is not None  # the bundled model has an adapter
    dim = shipped.matrix.shape[0]
    first, second = 2 * np.eye(dim), 3 * np.eye(dim)
    held_out.save_halves(shipped.model_id, [(first, ["a.jsonl", "b.jsonl"]), (second, ["c.jsonl"])])
    held_out.use_held_out_adapter(services, Path("gold/c.jsonl"))
    assert services.retriever.adapter is not None
    assert np.allclose(services.retriever.adapter.matrix, second)
    held_out.use_held_out_adapter(services, Path("gold/a.jsonl"))
    assert np.allclose(services.retriever.adapter.matrix, first)
    held_out.use_held_out_adapter(services, Path("gold/laws_heldout_test.jsonl"))
    assert services.retriever.adapter is shipped


def test_missing_or_stale_halves_stop_the_script(services: Services, halves_file: Path) -> None:
    with pytest.raises(SystemExit, match="missing"):
        held_out.use_held_out_adapter(services, Path("a.jsonl"))
    shipped = services.retriever.adapter
    assert shipped is not None
    np.savez_compressed(
        halves_file,
        model_id=np.array(shipped.model_id),
        adapter_sha256=np.array("0" * 64),  # another fit's adapter
        matrix0=np.eye(2),
        held0=np.array(["a.jsonl"]),
    )
    with pytest.raises(SystemExit, match="another adapter fit"):
        held_out.use_held_out_adapter(services, Path("a.jsonl"))


def test_the_committed_halves_belong_to_the_shipped_adapter() -> None:
    with np.load(held_out.HALVES) as data:
        assert str(data["adapter_sha256"]) == held_out.shipped_hash()
        held = [set(map(str, data[f"held{i}"])) for i in range(2)]
    assert held[0] and held[1] and not held[0] & held[1]
    assert not any("test" in name or "dev8" in name for name in held[0] | held[1])
