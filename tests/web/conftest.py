"""The advisors' page in a real headless Chromium against a real uvicorn with a real small index."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import ADVISE_KEY, Server, serving
from tests.conftest import HOSTILE, LAWS, PDFS, ROOT, require_shared
from tests.fakes.slack_server import FakeSlack
from tests.fakes.webhook_server import FakeWebhook
from tests.slack.conftest import ADVISORS, SIGNING_SECRET

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL_CHROMIUM = "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"
PDF_NAME = "citylab_SmartCity_Helsinki.pdf"
WEBHOOK_SECRET = "whsec-web-5e6f7a8b9c0d1e2f"
SLACK_MUSTERSTADT = "C0MUSTER01"  # a Slack channel of Musterstadt's staff

# Front matter and body of a Markdown file that keep HTML and a javascript: URL in the stored
# title, jurisdiction, source_url and chunk text: escaping must hold for every field.
HOSTILE_MARKDOWN = """---
title: "Musterstadt <img src=x onerror=\\"window.__xss='title'\\"> Terminhinweise"
stand: 2024-05-01
jurisdiction: "Musterland <script>window.__xss='jurisdiction'</script>"
source_url: "javascript:window.__xss='source_url'"
---
# Terminbuchung <script>window.__xss='heading'</script>

Die Terminbuchung im Rathaus Musterstadt erfolgt online über das Serviceportal \
<img src=x onerror="window.__xss='body'">. Die Wartezeit für einen Termin im Rathaus \
Musterstadt beträgt <script>window.__xss='body2'</script> höchstens zehn Werktage.
"""


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's chromium, installed with apt-get when missing (CI is the same machine type)."""
    if not CHROMIUM.exists():
        done = subprocess.run(
            ["sh", "-c", INSTALL_CHROMIUM], capture_output=True, text=True, timeout=900
        )
        if done.returncode != 0 or not CHROMIUM.exists():
            pytest.fail(f"chromium install failed: {done.stdout[-1500:]}{done.stderr[-1500:]}")
    return CHROMIUM


@pytest.fixture(scope="session")
def web_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A law with §§, a document with Stand and Rechtsraum, a PDF and two hostile files."""
    require_shared("Helsinki-PDF, OZG und script_tags.html für die Seite")
    folder = tmp_path_factory.mktemp("web-corpus")
    shutil.copy(LAWS / "ozg.md", folder / "ozg.md")
    legal = folder / "legal"
    legal.mkdir()
    shutil.copy(ROOT / "corpus" / "legal" / "ozg-grundlagen.md", legal / "ozg-grundlagen.md")
    shutil.copy(PDFS / PDF_NAME, folder / PDF_NAME)
    shutil.copy(HOSTILE / "script_tags.html", folder / "script_tags.html")
    (folder / "musterstadt-termine.md").write_text(HOSTILE_MARKDOWN, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def web_slack() -> Iterator[FakeSlack]:
    """The fake Slack the page's server talks to (advisors' answers return to Slack threads)."""
    with FakeSlack() as fake:
        yield fake


@pytest.fixture(scope="session")
def web_webhook() -> Iterator[FakeWebhook]:
    """The integrators' webhook receiver of the page's server (checks the signature)."""
    with FakeWebhook(WEBHOOK_SECRET) as hook:
        yield hook


@pytest.fixture(scope="session")
def web_server(
    tmp_path_factory: pytest.TempPathFactory,
    embedding_cache: Path,
    web_corpus: Path,
    web_slack: FakeSlack,
    web_webhook: FakeWebhook,
) -> Iterator[Server]:
    """The app with every channel (API keys, Slack bot over HTTP, signed webhook) configured,
    over a freshly built index."""
    channels = {
        "LOTSE_SLACK_BOT_TOKEN": web_slack.bot_token,
        "LOTSE_SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "LOTSE_SLACK_API_URL": web_slack.api_url,
        "LOTSE_ADVISOR_CHANNEL": ADVISORS,
        "LOTSE_SLACK_ORGANISATIONS": f"{SLACK_MUSTERSTADT}:musterstadt",
        "LOTSE_WEBHOOK_URL": web_webhook.url,
        "LOTSE_WEBHOOK_SECRET": WEBHOOK_SECRET,
    }
    data_dir = tmp_path_factory.mktemp("web") / "data"
    with serving(data_dir, embedding_cache, [web_corpus], **channels) as running:
        yield running


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[Any]:
    """One headless Chromium for the session (driven by Playwright, never `playwright install`)."""
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Watched:
    """A page with what it printed: console errors, uncaught errors, dialogs (alert & co.)."""

    page: Any
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


# Runs before any page script: records CSP violations, and (optionally) the advisor's API key
# as if it had been entered in this browser session.
WATCH_SCRIPT = """
window.__csp = [];
window.addEventListener('securitypolicyviolation',
  (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.fixture
def open_page(browser: Any, web_server: Server) -> Iterator[Callable[..., Watched]]:
    """Open the page in a fresh browser context (own sessionStorage, the advisor's key unless
    another is given); closed after the test."""
    contexts: list[Any] = []

    def _open(with_key: bool = True, path: str = "/", key: str = ADVISE_KEY) -> Watched:
        context = browser.new_context(
            viewport={"width": 1366, "height": 900}, accept_downloads=True, locale="de-DE"
        )
        contexts.append(context)
        script = WATCH_SCRIPT
        if with_key:
            script += f"sessionStorage.setItem('lotse.apiKey', {json.dumps(key)});"
        context.add_init_script(script)
        page = context.new_page()
        page.set_default_timeout(20_000)
        watched = Watched(page)

        def on_console(message: Any) -> None:
            if message.type == "error":
                watched.console_errors.append(message.text)

        def on_dialog(dialog: Any) -> None:
            watched.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("console", on_console)
        page.on("pageerror", lambda error: watched.page_errors.append(str(error)))
        page.on("dialog", on_dialog)
        page.goto(web_server.url + path)
        if path == "/":
            page.wait_for_selector("html[data-ready='true']")
        return watched

    yield _open
    for context in contexts:
        context.close()
