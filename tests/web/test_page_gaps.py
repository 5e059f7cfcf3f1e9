"""The advisors' "Wissenslücken" view in Chromium: unanswered questions grouped by topic."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.api.conftest import ADVISE_KEY, ASK_B_KEY, ASK_KEY, Server
from tests.api.test_reports import DOG_TAX, DOG_TAX_B, FOOTBALL
from tests.web.conftest import ARTIFACTS
from tests.web.test_page import assert_clean
from tests.web.test_page_cases import UNLABELLED


def test_advisors_see_the_gaps_grouped_by_topic(open_page: Any, web_server: Server) -> None:
    with web_server.client(ASK_KEY) as town_a, web_server.client(ASK_B_KEY) as town_b:
        for client, question in ((town_a, DOG_TAX[0]), (town_a, DOG_TAX[1]), (town_b, DOG_TAX_B)):
            asked = client.post("/v1/ask", json={"question": question}).json()
            assert asked["outcome"] in ("abstain", "candidates"), asked
        town_a.post("/v1/ask", json={"question": FOOTBALL})

    staff = open_page(key=ASK_KEY)
    assert staff.page.locator("#view-gaps").is_hidden()  # reports are for advisors

    advisor = open_page(key=ADVISE_KEY)
    page = advisor.page
    page.click("#view-gaps")
    page.wait_for_selector("#gaps-list table")
    assert "Fragen ohne Antwort" in page.locator("#gaps-status").inner_text()
    assert page.evaluate("document.activeElement.id") == "gaps-heading"
    assert page.locator("#ask-section").is_hidden() and page.locator("#cases-section").is_hidden()
    dogs = page.locator("#gaps-list tbody tr", has_text="Hundesteuer")
    assert dogs.count() == 1  # one topic, whatever the wording, from both towns
    cells = dogs.locator("td")
    assert cells.nth(0).inner_text() == "3" and "Hundesteuer" in cells.nth(1).inner_text()
    examples = dogs.locator(".gap-examples li").all_inner_texts()
    assert sorted(examples) == sorted([*DOG_TAX, DOG_TAX_B])
    assert cells.nth(3).inner_text() == "beispielhausen, musterstadt"
    assert str(date.today().year) in cells.nth(4).inner_text()  # first and last seen
    singles = page.locator("#gaps-list tr.gap-singles")
    assert "Einzelfragen" in singles.inner_text() and FOOTBALL in singles.inner_text()
    assert page.evaluate(UNLABELLED) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "gaps.png"), full_page=True)

    page.select_option("#gaps-min-size", "2")  # topics of two questions and more
    page.click("#gaps-filters button[type='submit']")
    page.wait_for_selector("#gaps-list tr.gap-singles", state="detached")
    sizes = page.locator("#gaps-list tbody td.num").all_inner_texts()
    assert sizes and all(int(size) >= 2 for size in sizes)
    page.click("#gaps-back")
    page.wait_for_selector("#ask-section:visible")
    for watched in (staff, advisor):
        assert_clean(watched)
