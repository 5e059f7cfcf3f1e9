"""`lotse sync` and `lotse sources` at the console (typer's runner, in process)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from assistant.cli.app import app


def test_a_bad_sources_file_names_the_field_and_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "quellen.yaml"
    bad.write_text("sources:\n  - {name: stadt, sitemap: 'ftp://example.org/s.xml'}\n")
    result = CliRunner().invoke(app, ["sync", "--config", str(bad)])
    assert result.exit_code == 2
    assert f"Quellendatei {bad}: sources[0].sitemap: " in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    missing = CliRunner().invoke(app, ["sync", "--config", str(tmp_path / "fehlt.yaml")])
    assert missing.exit_code == 2 and "Quellendatei nicht gefunden" in missing.stderr
