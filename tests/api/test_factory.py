"""The uvicorn factory (`lotse serve --workers N`, or uvicorn directly) fails cleanly at start."""

from __future__ import annotations

import subprocess
import sys

import pytest

from assistant.config import Settings
from tests.api.conftest import free_port
from tests.conftest import ROOT, cli_env


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"LOTSE_CHROMA_URL": "http://127.0.0.1:9"}, "Chroma-Server nicht erreichbar"),
        ({"LOTSE_RATE_LIMIT_PER_MINUTE": "viele"}, "LOTSE_RATE_LIMIT_PER_MINUTE"),
    ],
)
def test_factory_start_failure_is_one_clear_line(
    settings: Settings, extra: dict[str, str], message: str
) -> None:
    env = cli_env(settings, **extra)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "assistant.http.factory:app_from_env",
            "--factory",
            "--port",
            str(free_port()),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Start abgebrochen" in output and message in output
    assert "Traceback" not in output
