"""Git sources of `lotse sync`: a shallow clone per source, fetched and reset on each run."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from ingest.fetch import SourceFailure
from ingest.sources import mask_credentials

MAX_MESSAGE_CHARS = 300


def _git(args: list[str], cwd: Path | None, timeout: float) -> str:
    """Run git without prompts; SourceFailure with git's last message line (credentials masked)."""
    env = {
        **os.environ,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_ASKPASS": "true",
        "LC_ALL": "C",
    }
    try:
        done = subprocess.run(
            ["git", "-c", "protocol.ext.allow=never", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except FileNotFoundError:
        raise SourceFailure("git ist nicht installiert") from None
    except subprocess.TimeoutExpired:
        raise SourceFailure(f"git {args[0]}: Zeitüberschreitung ({timeout:g} s)") from None
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        message = mask_credentials(lines[-1] if lines else f"Exit-Code {done.returncode}")
        raise SourceFailure(f"git {args[0]}: {message[:MAX_MESSAGE_CHARS]}")
    return done.stdout.strip()


def remote_of(location: str, local: bool) -> str:
    """The address git clones from: local folders as file:// URLs (so --depth applies)."""
    if not local:
        return location
    folder = Path(location)
    if not folder.is_dir():
        raise SourceFailure(f"Repository-Ordner nicht gefunden: {location}")
    return folder.absolute().as_uri()


def checkout(location: str, local: bool, target: Path, branch: str | None, timeout: float) -> str:
    """Bring target to the newest commit of the repository (shallow); returns the commit id.

    An existing clone of the same remote is fetched and reset; otherwise the repository is cloned
    beside the target and swapped in, so a failed clone leaves the previous checkout intact."""
    remote = remote_of(location, local)
    ref = branch or "HEAD"
    if (target / ".git").is_dir():
        try:
            current = _git(["remote", "get-url", "origin"], target, timeout)
        except SourceFailure:
            current = None
        if current == remote:
            _git(["fetch", "--depth", "1", "--quiet", "origin", ref], target, timeout)
            _git(["reset", "--hard", "--quiet", "FETCH_HEAD"], target, timeout)
            _git(["clean", "-fdxq"], target, timeout)
            return _git(["rev-parse", "HEAD"], target, timeout)
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = target.with_name(f".{target.name}.clone")
    shutil.rmtree(fresh, ignore_errors=True)
    args = ["clone", "--depth", "1", "--quiet", "--no-tags"]
    if branch:
        args += ["--branch", branch]
    try:
        _git([*args, "--", remote, str(fresh)], None, timeout)
    except SourceFailure:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    shutil.rmtree(target, ignore_errors=True)
    fresh.rename(target)
    return _git(["rev-parse", "HEAD"], target, timeout)
