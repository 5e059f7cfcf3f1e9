"""The competence centre's loop end to end (issue 15), through real HTTP and every channel.

Staff of Musterstadt ask on the page (Chromium) and in their Slack channel and hand both over;
an advisor answers both and publishes one; the answers come back through the API, the staff's
case list on the page, a signed webhook and a bot reply in the Slack thread. Then staff of
Beispielhausen ask: the same question gets the verified answer; a paraphrase only gets it offered
(marked, with the question it was written for) until an LLM judge says the two mean the same.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from assistant.answer.verified import JUDGE_SYSTEM
from assistant.slack.actions import ACTION_ADVISOR
from tests.api.conftest import ADVISE_KEY, ASK_B_KEY, ASK_KEY, Server, start_server, stop_server
from tests.api.test_cases import wait_for_deliveries
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.slack_server import FakeSlack
from tests.fakes.webhook_server import FakeWebhook
from tests.slack.conftest import SlackEnv
from tests.web.conftest import SLACK_MUSTERSTADT
from tests.web.test_page import ask, assert_clean
from tests.web.test_page_cases import cases_view

QUESTION = "Wer ist für die Nutzerkonten im Portalverbund zuständig?"
PARAPHRASE = "Welche Stelle ist im Portalverbund für die Nutzerkonten verantwortlich?"
ANSWER = "Für die Nutzerkonten ist die Stelle zuständig, die das jeweilige Land bestimmt (§ 7 OZG)."
LEAD = "Geprüfte Antwort der Beratung vom "


def judge_reply(messages: list[dict[str, Any]]) -> str:
    """The judge says JA (the same question); any other request gets a plain answer."""
    system = " ".join(str(m.get("content")) for m in messages if m.get("role") == "system")
    return "JA" if system == JUDGE_SYSTEM else "Keine weitere Auskunft [1]."


def hand_off_on_the_page(open_page: Any) -> tuple[Any, str]:
    """Staff of Musterstadt ask on the page and hand the answer over; (watched page, case id)."""
    staff = open_page(key=ASK_KEY)
    page = staff.page
    page.wait_for_selector("#view-cases:not([hidden])")
    page.set_default_timeout(180_000)  # the server's first answer may load its models
    ask(page, QUESTION)
    page.set_default_timeout(20_000)
    page.locator("#turn-0 .handoff-button").click()
    page.locator("#turn-0 .handoff-form button[type='submit']").click()
    status = page.locator("#turn-0 .handoff-status:has-text('Fall case_')")
    status.wait_for()
    case_id = status.inner_text().split("Fall ", 1)[1].split()[0]
    return staff, case_id


def hand_off_in_slack(slack: SlackEnv, thread: str) -> None:
    """Staff press the advisor button under the bot's answer in their thread."""
    post = slack.answers_in(SLACK_MUSTERSTADT, thread_ts=thread)[0]
    slack.click(post, ACTION_ADVISOR, slack.key("loop"))
    note = slack.answers_in(SLACK_MUSTERSTADT, thread_ts=thread, count=2)[1]
    assert "Berater*innen weitergegeben" in note.params["text"]


def answer_case(advisor: httpx.Client, case_id: str, publish: bool) -> dict[str, Any]:
    """The advisor answers with the draft's first source (and publishes it)."""
    case = advisor.get(f"/v1/cases/{case_id}").json()
    cited = [{"chunk_id": c["chunk_id"]} for c in case["draft"]["citations"][:1]]
    assert cited, case["draft"]
    body = {"text": ANSWER, "citations": cited, "publish": publish}
    answered = advisor.post(f"/v1/cases/{case_id}/answer", json=body)
    assert answered.status_code == 200, answered.text
    return dict(answered.json())


def webhook_for(hook: FakeWebhook, case_id: str) -> Any:
    """The webhook request about this case (deliveries run in the background)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for received in hook.received:
            if received.body.get("data", {}).get("case_id") == case_id:
                return received
        time.sleep(0.1)
    raise AssertionError(f"no webhook for {case_id}")


def test_a_question_goes_round_the_loop_through_every_channel(
    open_page: Any,
    web_server: Server,
    web_slack: FakeSlack,
    web_webhook: FakeWebhook,
    embedding_cache: Path,
) -> None:
    with (
        FakeOpenAI(reply=judge_reply) as judge,
        ThreadPoolExecutor(1) as pool,
        httpx.Client(base_url=web_server.url, timeout=60) as http,
        web_server.client(ASK_KEY) as town_a,
        web_server.client(ASK_B_KEY) as town_b,
        web_server.client(ADVISE_KEY) as advisor,
    ):
        # the same data served with an LLM judge, started while the loop runs
        judged = pool.submit(
            start_server, web_server.data_dir, embedding_cache, LOTSE_LLM_BASE_URL=judge.base_url
        )
        slack = SlackEnv(web_server.url, web_slack, None, http)  # type: ignore[arg-type]
        verified_id = None
        try:
            thread = slack.mention(SLACK_MUSTERSTADT, QUESTION)["ts"]  # answered meanwhile
            staff, web_case = hand_off_on_the_page(open_page)
            hand_off_in_slack(slack, thread)
            queue = advisor.get("/v1/cases", params={"status": "open", "q": "Nutzerkonten"})
            (slack_case,) = [
                c["case_id"]
                for c in queue.json()["cases"]
                if c["channel"] == "slack" and c["contact"].get("slack_thread_ts") == thread
            ]

            published = answer_case(advisor, web_case, publish=True)
            verified_id = published["verified"]["verified_id"]
            answer_case(advisor, slack_case, publish=False)

            # back through the API ...
            mine = town_a.get(f"/v1/cases/{web_case}").json()
            assert mine["status"] == "answered" and mine["answer"]["text"] == ANSWER
            assert mine["verified"]["verified"] is True and mine["notes"] == []
            assert town_b.get(f"/v1/cases/{web_case}").status_code == 404
            # ... the signed webhook for API callers (the page calls the API) ...
            hook = webhook_for(web_webhook, web_case)
            assert hook.signed and hook.event == "case.answered"
            assert hook.body["data"]["answer"]["text"] == ANSWER
            assert wait_for_deliveries(town_a, web_case)[0]["channel"] == "webhook"
            # ... the bot's reply in the Slack thread ...
            reply = slack.answers_in(SLACK_MUSTERSTADT, thread_ts=thread, count=3)[2]
            assert "Antwort der Beratung" in reply.params["text"] and ANSWER in reply.params["text"]
            # ... and the staff's case list on the page
            page = staff.page
            cases_view(staff)
            item = page.locator(f"#cases-list article[data-case='{web_case}']")
            item.locator(".case-answer").wait_for()
            assert "beantwortet" in item.inner_text() and ANSWER in item.inner_text()
            assert_clean(staff)

            # another town asks the same question: the verified answer, marked as such
            same = town_b.post("/v1/ask", json={"question": QUESTION.upper()}).json()
            assert same["verified"] is True and same["answer"].startswith(LEAD)
            assert same["citations"][0]["doc_type"] == "verified_answer"
            # a paraphrase, offline: its own answer, the verified one offered and marked
            similar = town_b.post("/v1/ask", json={"question": PARAPHRASE}).json()
            offer = similar["verified_answer"]
            assert similar["verified"] is False and offer["same_question"] is False
            assert offer["question"] == QUESTION and offer["text"] == ANSWER
            # with the LLM judge configured, the paraphrase gets the verified answer
            with judged.result(timeout=180).client(ASK_B_KEY) as judged_b:
                given = judged_b.post("/v1/ask", json={"question": PARAPHRASE}).json()
            assert given["verified"] is True and given["answer"].startswith(LEAD)
            assert ANSWER in given["answer"]
            assert given["citations"][0]["doc_type"] == "verified_answer"
            asked = [r for r in judge.chat_requests if r.content("system") == JUDGE_SYSTEM]
            assert asked and PARAPHRASE in asked[-1].content("user")
            assert QUESTION in asked[-1].content("user")
        finally:
            stop_server(judged.result(timeout=180))
            if verified_id:  # the page tests that follow see no verified answer of this test
                advisor.post(f"/v1/verified/{verified_id}/withdraw")
