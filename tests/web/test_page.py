"""The advisors' page in headless Chromium: ask, sources, draft, feedback, keyboard, hostility."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
from docx import Document

from tests.api.conftest import ADVISE_KEY, Server
from tests.web.conftest import ARTIFACTS, Watched

QUESTION = "Was ist der Portalverbund nach dem Onlinezugangsgesetz?"
FOLLOW_UP = "Und gilt das auch für Gemeinden?"
HOSTILE_HTML_QUESTION = "Wie viele Online-Dienste bietet das Bürgerportal Musterstadt?"
HOSTILE_MD_QUESTION = "Wie lange ist die Wartezeit für einen Termin im Rathaus Musterstadt?"
PDF_QUESTION = "Was ist das Projekt Varaamo in Helsinki?"
EDITED = "Bearbeitet von Erika Mustermann, Bürgeramt: Bitte vereinbaren Sie einen Termin."


def conversation(page: Any) -> dict[str, Any]:
    """The conversation kept in sessionStorage."""
    return json.loads(page.evaluate("sessionStorage.getItem('lotse.conversation')") or "{}")


def ask(page: Any, question: str) -> dict[str, Any]:
    """Type a question, press Enter, wait for the finished turn; returns the `done` answer."""
    before = len(conversation(page).get("turns", []))
    page.fill("#question", question)
    page.press("#question", "Enter")
    page.wait_for_selector(f"#turn-{before}")
    turns = conversation(page)["turns"]
    assert len(turns) == before + 1
    return turns[-1]["answer"]


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def marked_text(page: Any) -> str:
    return normalise(" ".join(page.locator("#source-context mark").all_text_contents()))


def assert_clean(watched: Watched) -> None:
    """No script error, no dialog, no CSP violation (so no injected script even tried to run)."""
    page = watched.page
    assert watched.dialogs == []
    assert watched.page_errors == []
    assert watched.console_errors == []
    assert page.evaluate("window.__csp") == []
    assert page.evaluate("typeof window.__xss") == "undefined"


def test_ask_sources_draft_feedback_flow(
    open_page: Any, web_server: Server, tmp_path: Path
) -> None:
    watched = open_page()
    page = watched.page
    streamed: list[str] = []
    page.on("request", lambda r: streamed.append(r.url) if "/v1/ask" in r.url else None)

    answer = ask(page, QUESTION)
    assert streamed and all(url.endswith("/v1/ask/stream") for url in streamed)
    assert not answer["abstained"] and answer["citations"]
    turn = page.locator("#turn-0")
    markers = turn.locator("button.marker")
    assert markers.count() >= 1 and markers.first.inner_text() == "[1]"
    assert "[1]" in turn.locator(".answer").inner_text()

    # [1] opens the cited passage in context with the quoted sentences marked
    markers.first.click()
    page.wait_for_selector("#source-context mark")
    first = answer["citations"][0]
    assert normalise(first["quote"].replace(" … ", " ")) in marked_text(page)
    assert page.locator("#source-context .passage.cited mark").count() >= 1
    facts = page.locator("#source-facts").inner_text()
    assert "Stand" in facts
    if first["section"]:
        assert first["section"] in page.locator("#source-title").inner_text()
    assert page.locator("#source-list li").count() == len(answer["citations"])
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "main.png"))

    # an editable draft: salutation, answer, sources with §, as-of hint
    turn.locator(".draft-button").click()
    draft = page.locator("#draft-text")
    assert page.evaluate("document.activeElement.id") == "draft-text"
    text = draft.input_value()
    assert text.startswith("Sehr geehrte Damen und Herren,")
    assert "Quellen:" in text and "§" in text and "Hinweis:" in text and "[1]" in text
    edited = text.replace("[Name]", EDITED)
    draft.fill(edited)

    with page.expect_download() as markdown_download:
        page.click("#draft-md")
    markdown = tmp_path / "entwurf.md"
    markdown_download.value.save_as(markdown)
    assert markdown_download.value.suggested_filename == "Antwortentwurf.md"
    content = markdown.read_text(encoding="utf-8")
    assert EDITED in content and "§" in content

    with page.expect_download() as docx_download:
        page.click("#draft-docx")
    word = tmp_path / "entwurf.docx"
    docx_download.value.save_as(word)
    assert docx_download.value.suggested_filename == "Antwortentwurf.docx"
    paragraphs = "\n".join(p.text for p in Document(str(word)).paragraphs)
    assert EDITED in paragraphs and "§" in paragraphs

    # 👎 with a reason and a comment, stored via POST /v1/feedback
    turn.locator(".rate[data-rating='down']").click()
    page.check("#fb-0-down-incomplete")
    page.fill("#fb-comment-0", "Es fehlt die Frist.")
    turn.locator(".feedback-form button[type='submit']").click()
    page.wait_for_selector("#turn-0 .rate[data-rating='down'][aria-pressed='true']")
    with web_server.client(ADVISE_KEY) as client:
        stored = client.get(f"/v1/answers/{answer['answer_id']}").json()
    assert stored["feedback"][-1]["rating"] == "down"
    assert stored["feedback"][-1]["tags"] == ["incomplete"]
    assert stored["feedback"][-1]["comment"] == "Es fehlt die Frist."

    # recent questions with their feedback
    page.click("#recent-load")
    row = page.locator(f"#recent tr[data-answer='{answer['answer_id']}']")
    row.wait_for()
    assert QUESTION in row.inner_text() and "nicht hilfreich" in row.inner_text()
    assert "unvollständig" in row.inner_text()

    # a follow-up continues the conversation
    with page.expect_request(lambda r: r.url.endswith("/v1/ask/stream")) as request:
        follow = ask(page, FOLLOW_UP)
    assert json.loads(request.value.post_data)["conversation_id"] == answer["conversation_id"]
    assert follow["conversation_id"] == answer["conversation_id"]

    # the conversation survives a reload (sessionStorage)
    page.reload()
    page.wait_for_selector("html[data-ready='true']")
    assert page.locator("#thread article.turn").count() == 2
    assert "2 Fragen" in page.locator("#conversation-info").inner_text()
    assert page.locator("#turn-0 .rate[data-rating='down']").get_attribute("aria-pressed") == "true"
    assert_clean(watched)


def test_keyboard_ask_answer_sources(open_page: Any) -> None:
    watched = open_page()
    page = watched.page
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "question"
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    page.wait_for_selector("#turn-0 button.marker")

    on_first_marker = (
        "document.activeElement.matches('#turn-0 button.marker') && "
        "document.activeElement.textContent === '[1]'"
    )
    presses = 0
    while not page.evaluate(on_first_marker):
        presses += 1
        # first the filters (type, jurisdiction, "Rechtsstand am"), the buttons, the view switches
        assert presses <= 8, "Tab must reach the [1] marker within 8 presses from the question"
        page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", ""), "focus must be visible"

    page.keyboard.press("Enter")
    page.wait_for_selector("#source-context mark")
    assert page.evaluate("document.activeElement.closest('#sources') !== null")
    assert page.evaluate("document.activeElement.id") == "source-title"
    marker = page.locator("#turn-0 button.marker").first
    assert marker.get_attribute("aria-expanded") == "true"

    page.keyboard.press("Escape")
    assert page.evaluate(on_first_marker)
    assert page.locator("#turn-0 .answer").get_attribute("aria-live") == "polite"
    assert_clean(watched)


def test_hostile_documents_run_no_script(open_page: Any, web_server: Server) -> None:
    watched = open_page()
    page = watched.page

    answer = ask(page, HOSTILE_HTML_QUESTION)
    cited = [c for c in answer["citations"] if c["doc_id"] == "script_tags"]
    assert cited, answer
    page.locator(f"#turn-0 button.marker[data-n='{cited[0]['n']}']").first.click()
    page.wait_for_selector("#source-context mark")
    assert "Das Bürgerportal bietet 40 Online-Dienste." in marked_text(page)

    # the original file: served as plain text in a sandbox, never as HTML
    link = page.locator("#source-links a.original-link")
    href = link.get_attribute("href")
    assert href and href.startswith("/web/files/script_tags")
    original = page.context.new_page()
    original.on("dialog", lambda d: (watched.dialogs.append(d.message), d.dismiss()))
    response = original.goto(web_server.url + href)
    assert response is not None and response.status == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "sandbox" in response.headers["content-security-policy"]
    assert "<script>" in original.locator("body").inner_text()
    assert original.evaluate("typeof window.__xss") == "undefined"
    original.close()

    # HTML, a script and a javascript: URL in title, jurisdiction, source_url and text
    answer = ask(page, HOSTILE_MD_QUESTION)
    cited = [c for c in answer["citations"] if c["doc_id"] == "musterstadt-termine"]
    assert cited, answer
    assert "<img" in cited[0]["title"]
    page.locator(f"#turn-1 button.marker[data-n='{cited[0]['n']}']").first.click()
    page.wait_for_selector("#source-context mark")
    assert "<img src=x" in page.locator("#source-title").inner_text()
    assert "Musterland <script>" in page.locator("#source-facts").inner_text()
    assert page.locator("#source-links a", has_text="Online-Quelle").count() == 0
    assert page.locator("a[href^='javascript:']").count() == 0
    page.locator("#turn-1 .draft-button").click()
    assert "<img src=x" in page.locator("#draft-text").input_value()
    options = page.locator("#filter-jurisdiction option").all_text_contents()
    assert any("<script>" in option for option in options)

    page.wait_for_timeout(300)
    assert page.evaluate("document.querySelectorAll('script').length") == 1
    foreign_images = "document.querySelectorAll('img:not([src^=\"/web/static/\"])').length"
    assert page.evaluate(foreign_images) == 0
    assert_clean(watched)


def test_pdf_source_opens_at_page(open_page: Any, web_server: Server) -> None:
    watched = open_page()
    page = watched.page
    answer = ask(page, PDF_QUESTION)
    cited = [c for c in answer["citations"] if c["page"]]
    assert cited, answer
    page.locator(f"#turn-0 button.marker[data-n='{cited[0]['n']}']").first.click()
    page.wait_for_selector("#source-context .passage.cited")
    link = page.locator("#source-links a.original-link")
    href = link.get_attribute("href") or ""
    assert href.endswith(f"#page={cited[0]['page']}")
    assert f"Seite {cited[0]['page']}" in link.inner_text()
    assert link.get_attribute("target") == "_blank"
    assert "noopener" in (link.get_attribute("rel") or "")
    url = web_server.url + href.split("#", 1)[0]
    response = httpx.get(url, timeout=30)  # signed link: no key needed
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert httpx.get(url.split("?", 1)[0], timeout=30).status_code == 401
    assert_clean(watched)


def test_filters_are_sent(open_page: Any) -> None:
    watched = open_page()
    page = watched.page
    page.wait_for_selector("#filter-jurisdiction option[value='Bund']", state="attached")
    page.select_option("#filter-doc-type", "legal_framework")
    page.select_option("#filter-jurisdiction", "Bund")
    with page.expect_request(lambda r: r.url.endswith("/v1/ask/stream")) as request:
        answer = ask(page, QUESTION)
    body = json.loads(request.value.post_data)
    assert body["filters"] == {"doc_type": ["legal_framework"], "jurisdiction": ["Bund"]}
    assert answer["citations"]
    assert {c["doc_id"] for c in answer["citations"]} == {"ozg-grundlagen"}
    assert_clean(watched)


def test_as_of_is_sent_and_validity_notes_are_shown(open_page: Any) -> None:
    watched = open_page()
    page = watched.page
    page.fill("#filter-as-of", "30.02.2023")
    page.fill("#question", QUESTION)
    page.press("#question", "Enter")
    assert "kein gültiges Datum" in page.locator("#error").inner_text()
    page.fill("#filter-as-of", "1.1.2023")
    with page.expect_request(lambda r: r.url.endswith("/v1/ask/stream")) as request:
        answer = ask(page, QUESTION)
    assert json.loads(request.value.post_data)["filters"] == {"as_of": "2023-01-01"}
    assert "Rechtsstand am 01.01.2023" in page.locator("#turn-0").inner_text()
    noted = [c["validity_note"] for c in answer["citations"] if c.get("validity_note")]
    assert noted and noted[0].startswith("Fassung bis 23.07.2024")  # the shared OZG text
    assert f"⚠ {noted[0]}" in page.locator("#source-list").inner_text()
    assert_clean(watched)


def test_api_key_is_asked_for_and_kept_in_session(open_page: Any) -> None:
    watched = open_page(with_key=False)
    page = watched.page
    page.wait_for_selector("#key-section:not([hidden])")
    assert page.evaluate("document.activeElement.id") == "api-key"
    page.fill("#api-key", ADVISE_KEY)
    page.press("#api-key", "Enter")
    page.wait_for_selector("#key-section", state="hidden")
    page.wait_for_selector("#corpus-info:has-text('5 Dokumente')")
    assert page.evaluate("sessionStorage.getItem('lotse.apiKey')") == ADVISE_KEY
    assert page.evaluate("localStorage.length") == 0
    ask(page, QUESTION)
    # the 401 of the first load is the only console error (the browser logs failed requests)
    watched.console_errors = [e for e in watched.console_errors if "401" not in e]
    assert_clean(watched)
