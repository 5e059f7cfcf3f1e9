"""Cases in the page (Chromium): staff hand an answer over, an advisor answers, staff read it."""

from __future__ import annotations

import json
from typing import Any

from assistant.store.cases import CaseStore
from tests.api.conftest import ADVISE_KEY, ASK_B_KEY, ASK_KEY, Server
from tests.web.conftest import ARTIFACTS, Watched
from tests.web.test_page import ask, assert_clean, conversation, marked_text, normalise

# a question no other page test asks: its answer is published as a verified answer
QUESTION = "Was sind Verwaltungsleistungen im Sinne des Onlinezugangsgesetzes?"
LATER = "Verwaltungsleistungen auch für Landkreise?"
NOTE = "Gilt das auch für uns als Kreis?"
INTERNAL = "Rückfrage beim Land gestellt"
EDITED = "Geprüft von der Beratung: Ja, auch Kreise sind angeschlossen."
FAILED = "HTTP 500 nach 4 Versuchen"
UNLABELLED = (
    "[...document.querySelectorAll('#main input, #main select, #main textarea')]"
    ".filter((e) => e.labels.length === 0).map((e) => e.id)"
)


def cases_view(watched: Watched) -> Any:
    """Switch to "Fälle" once the page knows the key's scopes; wait for the list."""
    page = watched.page
    page.click("#view-cases")
    page.wait_for_selector("#cases-status:has-text('geladen')")
    return page


def test_hand_off_answer_and_read_the_answer(open_page: Any, web_server: Server) -> None:
    # staff of Musterstadt ask and hand the answer to the advisors, with a note
    staff = open_page(key=ASK_KEY)
    page = staff.page
    page.wait_for_selector("#view-cases:not([hidden])")
    page.set_default_timeout(180_000)  # the server's first answer may load its models
    answer = ask(page, QUESTION)
    page.set_default_timeout(20_000)
    turn = page.locator("#turn-0")
    turn.locator(".handoff-button").click()
    page.fill("#handoff-note-0", NOTE)
    turn.locator(".handoff-form button[type='submit']").click()
    page.wait_for_selector("#turn-0 .handoff-status:has-text('Fall case_')")
    case_id = conversation(page)["turns"][0]["case"]["case_id"]
    assert "offen" in turn.locator(".handoff-status").inner_text()
    assert turn.locator(".handoff-button").is_disabled()
    assert page.evaluate("document.activeElement.classList.contains('handoff-open')")
    cases_view(staff)
    mine = page.locator(f"#cases-list article[data-case='{case_id}']")
    assert "offen" in mine.inner_text() and "Noch keine Antwort" in mine.inner_text()
    assert page.locator("#case-filters").is_hidden()
    with web_server.client(ASK_KEY) as client:  # a younger case of the same town
        later = client.post("/v1/cases", json={"question": LATER})
        later_id = later.json()["case_id"]

    # the advisor's queue: filtered by status, organisation and topic, oldest first; by age
    advisor = open_page(key=ADVISE_KEY)
    desk = cases_view(advisor)
    assert desk.locator("#case-filter-status").input_value() == "open"
    desk.fill("#case-filter-org", "musterstadt")
    desk.fill("#case-filter-q", "verwaltungsleistungen")
    desk.click("#case-filters button[type='submit']")
    desk.wait_for_selector(f"#cases-list tr[data-case='{later_id}']")
    rows = desk.locator("#cases-list tbody tr")
    ids = [rows.nth(i).get_attribute("data-case") for i in range(rows.count())]
    assert ids.index(case_id) < ids.index(later_id)
    assert all(
        "musterstadt" in rows.nth(i).inner_text() and "offen" in rows.nth(i).inner_text()
        for i in range(rows.count())
    )
    desk.select_option("#case-filter-age", "7")
    desk.click("#case-filters button[type='submit']")
    desk.wait_for_selector(f"#cases-list tr[data-case='{case_id}']", state="detached")
    desk.select_option("#case-filter-age", "")
    desk.click("#case-filters button[type='submit']")
    desk.locator(f"#cases-list tr[data-case='{case_id}'] button.case-open").click()

    # the case: question, organisation, channel, note; the draft's source opens its passage
    desk.wait_for_selector("#case-section:not([hidden])")
    assert desk.evaluate("document.activeElement.id") == "case-heading"
    assert desk.locator("#case-question").inner_text() == QUESTION
    facts = desk.locator("#case-facts").inner_text()
    assert "musterstadt" in facts and "api" in facts and NOTE in facts and "offen" in facts
    desk.locator("#case-draft button.marker").first.click()
    desk.wait_for_selector("#source-context mark")
    quote = answer["citations"][0]["quote"]
    assert normalise(quote.replace(" … ", " ")) in marked_text(desk)

    desk.fill("#case-note-text", INTERNAL)
    desk.click("#case-note-form button[type='submit']")
    desk.wait_for_selector(f"#case-notes li:has-text('{INTERNAL}')")
    desk.select_option("#case-move-status", "in_progress")
    desk.fill("#case-move-assignee", "Frau Beraterin")
    desk.click("#case-move-form button[type='submit']")
    desk.wait_for_selector("#case-facts:has-text('Frau Beraterin')")
    assert "in Bearbeitung" in desk.locator("#case-facts").inner_text()

    # the editor holds the draft; keep the first source only, publish, send
    editor = desk.locator("#case-answer-text")
    assert editor.input_value() == answer["answer"]
    boxes = desk.locator("#case-answer-citations input[type='checkbox']")
    assert boxes.count() == len(answer["citations"])
    for i in range(1, boxes.count()):
        boxes.nth(i).uncheck()
    editor.fill(f"{EDITED} [1]\n\n{answer['answer']}")
    desk.check("#case-publish")
    with desk.expect_request(lambda r: r.url.endswith(f"/v1/cases/{case_id}/answer")) as sent:
        desk.click("#case-send")
    body = json.loads(sent.value.post_data or "{}")
    assert body["publish"] is True and body["citations"] == answer["citations"][:1]
    desk.wait_for_selector("#case-deliveries li.delivery-ok")
    assert "beantwortet" in desk.locator("#case-facts").inner_text()
    # a failed delivery (as a failing webhook logs it) is shown on the case, not hidden
    store = CaseStore(web_server.data_dir / "cases.sqlite3")
    store.add_delivery(case_id, "webhook", False, FAILED)
    store.close()
    desk.click("#case-reload")
    failed = desk.locator("#case-deliveries li.delivery-failed")
    failed.wait_for()
    assert "fehlgeschlagen" in failed.inner_text() and FAILED in failed.inner_text()
    assert desk.evaluate(UNLABELLED) == []
    ARTIFACTS.mkdir(exist_ok=True)
    desk.screenshot(path=str(ARTIFACTS / "case.png"), full_page=True)
    with web_server.client(ADVISE_KEY) as client:
        stored = client.get(f"/v1/cases/{case_id}").json()
    assert stored["answer"]["publish"] is True and stored["answer"]["text"].startswith(EDITED)

    # back in Musterstadt: the answer with its kept source, which opens its passage
    page.click("#cases-reload")
    mine = page.locator(f"#cases-list article[data-case='{case_id}']")
    mine.locator(".case-answer").wait_for()
    assert "beantwortet" in mine.inner_text() and EDITED in mine.inner_text()
    assert INTERNAL not in page.locator("#main").inner_text()  # notes stay internal
    sources = mine.locator(".case-sources button")
    assert sources.count() == 1
    sources.first.click()
    page.wait_for_selector("#source-context .passage.cited mark")
    assert normalise(quote.replace(" … ", " ")) in marked_text(page)
    page.screenshot(path=str(ARTIFACTS / "my-cases.png"), full_page=True)

    # another town's staff never see the case
    other = open_page(key=ASK_B_KEY)
    cases_view(other)
    assert other.page.locator(f"[data-case='{case_id}']").count() == 0
    assert other.page.locator("#case-filters").is_hidden()
    for watched in (staff, advisor, other):
        assert_clean(watched)
