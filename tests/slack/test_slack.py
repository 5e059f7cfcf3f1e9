"""The Slack bot over HTTP: signed Events API, slash command and button requests to /slack/events
of the running app; every Web API call and response_url post is checked at the fake Slack."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pytest

from assistant.slack.actions import ACTION_ADVISOR, ACTION_DOWN, ACTION_SHARE, ACTION_UP
from assistant.slack.answers import WORKING
from assistant.store.records import RecordStore
from tests.fakes.slack_server import SlackCall
from tests.slack.conftest import ADVISORS, EGOVG_URL, SIGNING_SECRET, SlackEnv, new_ts, sign

PORTAL = "Was ist der Portalverbund nach dem Onlinezugangsgesetz?"
EGOVG = "Was regelt § 7 EGovG?"
FOLLOW_UP = "Und gilt das auch für Gemeinden?"


def sections(call: SlackCall) -> list[str]:
    """Texts of the section blocks of a message."""
    return [b["text"]["text"] for b in call.params["blocks"] if b["type"] == "section"]


def contexts(call: SlackCall) -> list[str]:
    """Texts of the context blocks of a message."""
    return [
        e["text"] for b in call.params["blocks"] if b["type"] == "context" for e in b["elements"]
    ]


def button_ids(call: SlackCall) -> list[str]:
    return [
        e["action_id"]
        for b in call.params["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]


def stored(env: SlackEnv, call: SlackCall) -> dict:
    """The stored answer behind a message (via its 👍 button and GET /v1/answers/{id})."""
    answer_id = next(
        e["value"]
        for b in call.params["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == ACTION_UP
    )
    response = env.http.get(f"/v1/answers/{answer_id}")
    assert response.status_code == 200, response.text
    return response.json()


def sentinel(env: SlackEnv) -> None:
    """A normal DM answered after everything sent before it was processed or dropped."""
    channel = f"D0SENT{new_ts()[-6:]}"
    env.dm(channel, PORTAL)
    env.fake.wait_for("chat.postMessage", channel=channel)


def test_mention_answers_in_thread_with_sources(slack_env: SlackEnv) -> None:
    event = slack_env.mention("C0MENTION1", PORTAL)
    acked = time.monotonic()
    post = slack_env.answers_in("C0MENTION1", thread_ts=event["ts"])[0]
    assert acked < post.at  # acked first, answered in the background (an order, not a timing)
    fake = slack_env.fake
    add = fake.wait_for("reactions.add", channel="C0MENTION1", timestamp=event["ts"])[0]
    remove = fake.wait_for("reactions.remove", channel="C0MENTION1", timestamp=event["ts"])[0]
    assert add.params["name"] == remove.params["name"] == "hourglass_flowing_sand"
    assert add.at <= post.at <= remove.at
    assert post.token == fake.bot_token
    assert post.params["thread_ts"] == event["ts"]
    assert post.params["unfurl_links"] is False
    assert "[1]" in post.params["text"] and "Portalverbund" in post.params["text"]
    texts = sections(post)
    assert "[1]" in texts[0] and "Portalverbund" in texts[0]
    sources = next(t for t in texts if t.startswith("*Quellen*"))
    assert "[1] *OZG § " in sources and "§" in sources
    assert any(c.startswith(":bar_chart: Sicherheit:") for c in contexts(post))
    assert button_ids(post) == [ACTION_UP, ACTION_DOWN, ACTION_ADVISOR]
    record = stored(slack_env, post)
    assert record["conversation_id"].startswith("conv_")  # issued by the server
    assert record["question"] == PORTAL


def test_follow_up_in_thread_uses_the_thread_as_conversation(slack_env: SlackEnv) -> None:
    first = slack_env.mention("C0FOLLOW1", EGOVG)
    answer = slack_env.answers_in("C0FOLLOW1", thread_ts=first["ts"])[0]
    sources = next(t for t in sections(answer) if t.startswith("*Quellen*"))
    assert "Stand 16.07.2021" in sources and f"<{EGOVG_URL}|Quelle öffnen>" in sources
    slack_env.mention("C0FOLLOW1", FOLLOW_UP, thread_ts=first["ts"])
    follow = slack_env.answers_in("C0FOLLOW1", thread_ts=first["ts"], count=2)[1]
    record = stored(slack_env, follow)
    assert record["conversation_id"] == stored(slack_env, answer)["conversation_id"]
    assert record["question"] == FOLLOW_UP
    assert "§ 7 EGovG" in record["resolved_question"]


def test_direct_message_answered_in_thread(slack_env: SlackEnv) -> None:
    event = slack_env.dm("D0DIRECT1", PORTAL)
    post = slack_env.answers_in("D0DIRECT1", thread_ts=event["ts"])[0]
    assert "[1]" in sections(post)[0]
    assert stored(slack_env, post)["conversation_id"].startswith("conv_")


def test_messages_from_bots_and_itself_are_ignored(slack_env: SlackEnv) -> None:
    fake = slack_env.fake
    slack_env.dm("D0BOTS0001", PORTAL, user="U0OTHERBOT", bot_id="B0OTHER", subtype="bot_message")
    slack_env.dm("D0BOTS0002", PORTAL, user="U0OTHERBOT", bot_id="B0OTHER")
    slack_env.dm("D0BOTS0003", PORTAL, user=fake.bot_user_id, bot_id=fake.bot_id)
    slack_env.mention("C0BOTS0004", PORTAL, user="U0OTHERBOT", bot_id="B0OTHER")
    slack_env.dm("D0BOTS0005", PORTAL, subtype="message_changed")
    sentinel(slack_env)
    for channel in ("D0BOTS0001", "D0BOTS0002", "D0BOTS0003", "C0BOTS0004", "D0BOTS0005"):
        assert not fake.calls_to("chat.postMessage", channel=channel)
        assert not fake.calls_to("reactions.add", channel=channel)


def test_retries_never_produce_a_second_answer(slack_env: SlackEnv) -> None:
    ts = new_ts()
    event = {
        "type": "app_mention",
        "user": "U0ASKER01",
        "text": f"<@{slack_env.bot}> {PORTAL}",
        "ts": ts,
        "channel": "C0RETRY01",
        "event_ts": ts,
    }
    slack_env.send_event(event, event_id="Ev0RETRY0001")
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    slack_env.send_event(event, event_id="Ev0RETRY0001", headers=retry)
    slack_env.answers_in("C0RETRY01", thread_ts=ts)
    slack_env.send_event(event, event_id="Ev0RETRY0001", headers={"X-Slack-Retry-Num": "2"})
    sentinel(slack_env)
    assert len(slack_env.fake.calls_to("chat.postMessage", channel="C0RETRY01")) == 1


def test_bad_or_stale_signatures_are_rejected(
    slack_env: SlackEnv, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    ts = new_ts()
    body = slack_env.event_body(
        {
            "type": "app_mention",
            "user": "U0ASKER01",
            "ts": ts,
            "text": f"<@{slack_env.bot}> {PORTAL}",
            "channel": "C0SIGNED1",
        }
    )
    wrong = sign(body, secret="not-the-signing-secret")
    assert slack_env.post(body, "application/json", wrong, signed=False).status_code == 401
    stale = sign(body, timestamp=int(time.time()) - 6 * 60)
    assert slack_env.post(body, "application/json", stale, signed=False).status_code == 401
    assert slack_env.post(body, "application/json", signed=False).status_code == 401
    tampered = sign(body)
    response = slack_env.post(
        body.replace("Portalverbund", "Portalverbünde"), "application/json", tampered, signed=False
    )
    assert response.status_code == 401
    challenge = json.dumps({"token": "x", "challenge": "c-123", "type": "url_verification"})
    verified = slack_env.post(challenge, "application/json")
    assert verified.status_code == 200 and verified.json() == {"challenge": "c-123"}
    sentinel(slack_env)
    assert not slack_env.fake.calls_to("chat.postMessage", channel="C0SIGNED1")
    assert not slack_env.fake.calls_to("reactions.add", channel="C0SIGNED1")
    assert "Invalid request signature detected (request body not logged)" in caplog.text
    assert "C0SIGNED1" not in caplog.text
    assert SIGNING_SECRET not in caplog.text and slack_env.fake.bot_token not in caplog.text


def test_slash_command_answers_privately_and_shares(slack_env: SlackEnv) -> None:
    fake = slack_env.fake
    key = slack_env.key("cmd")
    response = slack_env.command("C0COMMAND1", EGOVG, key)
    assert response.status_code == 200
    assert response.json()["text"] == WORKING
    private = slack_env.responded(key)[0]
    assert private.params["response_type"] == "ephemeral"
    assert private.params["replace_original"] is False
    assert button_ids(private) == [ACTION_SHARE, ACTION_UP, ACTION_DOWN, ACTION_ADVISOR]
    assert EGOVG in contexts(private)[0]
    assert "[1]" in sections(private)[0]
    assert not fake.calls_to("chat.postMessage", channel="C0COMMAND1")

    share_key = slack_env.key("share")
    slack_env.click(private, ACTION_SHARE, share_key, channel="C0COMMAND1")
    shared = fake.wait_for("chat.postMessage", channel="C0COMMAND1")[0]
    assert shared.params.get("thread_ts") is None
    assert "teilt eine Antwort" in contexts(shared)[0] and "[1]" in sections(shared)[0]
    assert ACTION_SHARE not in button_ids(shared)
    done = slack_env.responded(share_key)
    assert done[0].params["replace_original"] is True

    # the shared answer's thread continues the /lotse conversation
    slack_env.mention("C0COMMAND1", FOLLOW_UP, thread_ts=shared.response["ts"])
    follow = slack_env.answers_in("C0COMMAND1", thread_ts=shared.response["ts"])[0]
    assert "§ 7 EGovG" in stored(slack_env, follow)["resolved_question"]


def test_thumbs_up_and_down_with_reason_are_stored(slack_env: SlackEnv) -> None:
    event = slack_env.mention("C0FEEDBK1", PORTAL)
    post = slack_env.answers_in("C0FEEDBK1", thread_ts=event["ts"])[0]

    up_key = slack_env.key("up")
    slack_env.click(post, ACTION_UP, up_key)
    thanks = slack_env.responded(up_key)[0]
    assert thanks.params["response_type"] == "ephemeral"
    assert thanks.params["thread_ts"] == event["ts"]

    down_key = slack_env.key("down")
    slack_env.click(post, ACTION_DOWN, down_key)
    prompt = slack_env.responded(down_key)
    reason_ids = button_ids(prompt[0])
    assert reason_ids == [
        "lotse_reason_wrong",
        "lotse_reason_incomplete",
        "lotse_reason_wrong_sources",
        "lotse_reason_outdated",
    ]
    reason_key = slack_env.key("reason")
    slack_env.click(prompt[0], "lotse_reason_wrong_sources", reason_key, channel="C0FEEDBK1")
    slack_env.responded(reason_key)

    feedback = stored(slack_env, post)["feedback"]
    assert [(f["rating"], f["tags"], f["source"]) for f in feedback] == [
        ("up", [], "slack"),
        ("down", ["wrong_sources"], "slack"),
    ]


def test_advisor_button_forwards_question_answer_and_sources(slack_env: SlackEnv) -> None:
    fake = slack_env.fake
    event = slack_env.mention("C0ADVISE1", EGOVG)
    post = slack_env.answers_in("C0ADVISE1", thread_ts=event["ts"])[0]
    slack_env.click(post, ACTION_ADVISOR, slack_env.key("advisor"))
    forwarded = fake.wait_for("chat.postMessage", channel=ADVISORS)[-1]
    text = "\n".join(forwarded.block_texts())
    assert EGOVG in text and "<@U0ASKER01>" in text and "<#C0ADVISE1>" in text
    assert sections(post)[0].split(" [1]")[0][:80] in text
    assert "*Quellen*" in text and EGOVG_URL in text
    permalink = fake.wait_for("chat.getPermalink", channel="C0ADVISE1")[0]
    assert permalink.params["message_ts"] == event["ts"]
    assert f"p{event['ts'].replace('.', '')}|" in text
    note = slack_env.answers_in("C0ADVISE1", thread_ts=event["ts"], count=2)[1]
    assert "Berater*innen weitergegeben" in note.params["text"]
    assert "hier im Thread" in note.params["text"]
    # the hand-off is a case the advisors track, with the way back to the thread
    answer_id = stored(slack_env, post)["answer_id"]
    cases = slack_env.http.get("/v1/cases", params={"status": "open"}).json()["cases"]
    case = next(c for c in cases if c["answer_id"] == answer_id)
    assert case["channel"] == "slack" and case["question"] == EGOVG
    assert case["contact"]["slack_channel"] == "C0ADVISE1"
    assert case["contact"]["slack_thread_ts"] == event["ts"]
    # the advisor's answer comes back as the bot's reply in the asker's thread
    cited = stored(slack_env, post)["answer"]["citations"][:1]
    reply = {
        "text": "Ja, § 7 EGovG gilt auch für Sie – <b>bitte</b> melden Sie sich.",
        "citations": [{"chunk_id": c["chunk_id"]} for c in cited],
        "publish": True,  # a verified answer for the next asker of the same question
    }
    answered = slack_env.http.post(f"/v1/cases/{case['case_id']}/answer", json=reply)
    assert answered.status_code == 200, answered.text
    back = slack_env.answers_in("C0ADVISE1", thread_ts=event["ts"], count=3)[2]
    assert "Antwort der Beratung" in back.params["text"] and "&lt;b&gt;bitte" in back.params["text"]
    deadline = time.monotonic() + 30
    deliveries: list = []
    while not deliveries and time.monotonic() < deadline:
        deliveries = slack_env.http.get(f"/v1/cases/{case['case_id']}").json()["deliveries"]
        time.sleep(0.1)
    assert deliveries[0]["channel"] == "slack" and deliveries[0]["delivered"] is True
    # someone in another channel asks the same: the advisors' answer, marked as verified
    again = slack_env.mention("C0OTHER01", EGOVG.upper())
    verified = slack_env.answers_in("C0OTHER01", thread_ts=again["ts"])[0]
    assert sections(verified)[0].startswith("Geprüfte Antwort der Beratung vom ")
    assert stored(slack_env, verified)["answer"]["verified"] is True
    assert "[1] *Geprüfte Antwort: " in "\n".join(verified.block_texts())  # its own source


def test_abstention_says_so_and_offers_the_advisor(slack_env: SlackEnv) -> None:
    event = slack_env.mention("C0ABSTAIN", "Wie backe ich einen Marmorkuchen mit Schokolade?")
    post = slack_env.answers_in("C0ABSTAIN", thread_ts=event["ts"])[0]
    assert "keine verlässliche Antwort" in post.params["text"]
    assert "Keine belastbare Antwort" in " ".join(contexts(post))
    assert not any(t.startswith("*Quellen*") for t in sections(post))
    advisor = next(
        e
        for b in post.params["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == ACTION_ADVISOR
    )
    assert advisor["style"] == "primary"


def test_engine_failure_gives_an_apology_with_reference(
    slack_env: SlackEnv, tmp_path: Path
) -> None:
    engine = slack_env.services.engine
    broken = RecordStore(tmp_path / "closed.sqlite3")
    broken.close()
    working, engine.records = engine.records, broken  # the engine's database is gone
    try:
        event = slack_env.mention("C0FAILURE", PORTAL)
        post = slack_env.answers_in("C0FAILURE", thread_ts=event["ts"])[0]
        key = slack_env.key("fail")
        slack_env.command("C0FAILURE", PORTAL, key)
        private = slack_env.responded(key)
    finally:
        engine.records = working
    assert "Entschuldigung" in post.params["text"] and "Referenz: `ref_" in post.params["text"]
    assert "Referenz: `ref_" in private[0].params["text"]
    slack_env.fake.wait_for("reactions.remove", channel="C0FAILURE")


def test_share_without_channel_membership_goes_through_the_response_url(
    slack_env: SlackEnv,
) -> None:
    fake = slack_env.fake
    key = slack_env.key("cmd")
    slack_env.command("C0NOMEMBER", PORTAL, key)
    private = slack_env.responded(key)[0]
    fake.errors["chat.postMessage:C0NOMEMBER"] = "not_in_channel"
    try:
        share_key = slack_env.key("share")
        slack_env.click(private, ACTION_SHARE, share_key, channel="C0NOMEMBER")
        public, deleted = slack_env.responded(share_key, count=2)
    finally:
        del fake.errors["chat.postMessage:C0NOMEMBER"]
    assert public.params["response_type"] == "in_channel" and "[1]" in public.params["text"]
    assert deleted.params["delete_original"] is True


def test_advisor_channel_failure_is_reported_with_reference(slack_env: SlackEnv) -> None:
    fake = slack_env.fake
    event = slack_env.mention("C0ADVFAIL1", PORTAL)
    post = slack_env.answers_in("C0ADVFAIL1", thread_ts=event["ts"])[0]
    fake.errors[f"chat.postMessage:{ADVISORS}"] = "not_in_channel"
    try:
        key = slack_env.key("advisor")
        slack_env.click(post, ACTION_ADVISOR, key)
        sorry = slack_env.responded(key)[0]
    finally:
        del fake.errors[f"chat.postMessage:{ADVISORS}"]
    assert "fehlgeschlagen" in sorry.params["text"] and "Referenz: `ref_" in sorry.params["text"]
    assert len(fake.calls_to("chat.postMessage", channel="C0ADVFAIL1")) == 1


def test_empty_and_too_long_questions_get_a_helpful_reply(slack_env: SlackEnv) -> None:
    empty = slack_env.mention("C0USAGE01", "")
    usage = slack_env.answers_in("C0USAGE01", thread_ts=empty["ts"])[0]
    assert "/lotse" in usage.params["text"]
    long = slack_env.dm("D0USAGE02", "Gilt das OZG für Gemeinden? " * 800)
    rejected = slack_env.answers_in("D0USAGE02", thread_ts=long["ts"])[0]
    assert "zu lang" in rejected.params["text"]
    key = slack_env.key("help")
    response = slack_env.command("C0USAGE01", "", key)
    assert "/lotse" in response.json()["text"]


def test_a_channel_never_reaches_another_channels_answers(slack_env: SlackEnv) -> None:
    """The channel is the principal: a button replayed in another channel finds nothing."""
    event = slack_env.mention("C0OWNER01", PORTAL)
    post = slack_env.answers_in("C0OWNER01", thread_ts=event["ts"])[0]
    answer_id = stored(slack_env, post)["answer_id"]
    key = slack_env.key("foreign")
    slack_env.click(post, ACTION_UP, key, channel="C0STRANGER")
    refused = slack_env.responded(key)[0]
    assert "nicht mehr gespeichert" in refused.params["text"]
    record = slack_env.http.get(f"/v1/answers/{answer_id}").json()
    assert record["feedback"] == []  # nothing was stored for the stranger's click
