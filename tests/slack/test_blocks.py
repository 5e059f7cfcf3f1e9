"""Block Kit limits and formatting of answer messages (pure functions)."""

from __future__ import annotations

import json

from assistant.slack.actions import ACTION_ADVISOR
from assistant.slack.answers import answer_message
from assistant.slack.blocks import MAX_BLOCKS, SECTION_LIMIT, TEXT_LIMIT, split_text, to_mrkdwn
from assistant.slack.payloads import clean_text
from assistant.slack.principals import parse_organisations, principal_for
from assistant.slack.sources import source_label, source_line


def citation(n: int, **extra: object) -> dict:
    return {
        "n": n,
        "chunk_id": f"c{n}",
        "doc_id": "ozg",
        "path": "ozg.md",
        "title": "Onlinezugangsgesetz",
        "law": "OZG",
        "section": f"§ {n}",
        "page": None,
        "quote": "Bund und Länder sind verpflichtet … " * 20,
        "stand": "2024-07-19",
        "source_url": None,
        **extra,
    }


def all_texts(blocks: list[dict]) -> list[str]:
    found = []
    for block in blocks:
        if "text" in block:
            found.append(block["text"]["text"])
        found.extend(e["text"] for e in block.get("elements", []) if isinstance(e.get("text"), str))
    return found


def test_long_answers_respect_block_kit_limits() -> None:
    sentence = "Der Portalverbund verknüpft die Verwaltungsportale von Bund und Ländern. [1] "
    payload = {
        "answer": sentence * 600,
        "abstained": False,
        "confidence": 0.91,
        "mode": "extractive",
        "citations": [citation(n) for n in range(1, 41)],
        "notice": "Hinweis " * 600,
    }
    message = answer_message(payload, "ans_1", advisor=True, share=True, heading="x" * 5000)
    assert len(message.blocks) <= MAX_BLOCKS
    assert 0 < len(message.text) <= TEXT_LIMIT and "[1]" in message.text
    for text in all_texts(message.blocks):
        assert len(text) <= SECTION_LIMIT
    assert message.blocks[-1]["type"] == "actions"
    assert "(gekürzt)" in json.dumps(message.blocks, ensure_ascii=False)
    assert "weitere Quellen" in json.dumps(message.blocks, ensure_ascii=False)


def test_many_blocks_are_cut_but_keep_the_buttons() -> None:
    payload = {
        "answer": "\n\n".join(["Absatz [1]." * 250] * 30),
        "abstained": False,
        "confidence": 0.5,
        "mode": "llm",
        "citations": [citation(1)],
        "notice": None,
    }
    message = answer_message(payload, "ans_2", advisor=True)
    assert len(message.blocks) <= MAX_BLOCKS
    assert message.blocks[-1]["elements"][-1]["action_id"] == ACTION_ADVISOR


def test_mrkdwn_is_escaped_and_sources_are_labelled() -> None:
    assert to_mrkdwn("a < b & **c** > d") == "a &lt; b &amp; *c* &gt; d"
    assert to_mrkdwn("[Gesetz](https://example.org/a?b=1&c=2)") == (
        "<https://example.org/a?b=1&amp;c=2|Gesetz>"
    )
    line = source_line(citation(3, page=4, source_url="https://example.org/ozg"), quote=False)
    assert line == (
        "[3] *OZG § 3* · Onlinezugangsgesetz · S. 4 · Stand 19.07.2024 · "
        "<https://example.org/ozg|Quelle öffnen>"
    )
    paper = source_line(
        {
            "n": 1,
            "doc_id": "p",
            "title": "Leitfaden <E-Akte>",
            "law": None,
            "section": None,
            "page": 12,
            "quote": "",
            "stand": None,
        }
    )
    assert paper == "[1] *Leitfaden &lt;E-Akte&gt;* · S. 12"
    titled = source_line(citation(3, heading="Elektronische Kommunikation"), quote=False)
    assert titled.startswith("[3] *OZG § 3* Elektronische Kommunikation · Onlinezugangsgesetz")
    untitled = citation(70, law="VwGO", heading="8. Abschnitt", heading_above=True)
    assert source_line(untitled, quote=False).startswith("[70] *VwGO § 70* (8. Abschnitt) · ")
    assert source_label(untitled) == "VwGO § 70 (8. Abschnitt)"
    assert all(len(p) <= 100 for p in split_text("wort " * 500, 100))


def test_slack_text_becomes_a_plain_question() -> None:
    text = "<@U0BOT> Was regelt <https://example.org|§ 7 EGovG> für <#C1|kommunen> &amp; Co?"
    assert clean_text(text) == "Was regelt § 7 EGovG für #kommunen & Co?"
    channel = principal_for("T1", "C123")
    assert channel.id == "slack-T1-C123" and [str(s) for s in channel.scopes] == ["ask"]
    mapping = parse_organisations("T1:musterstadt, C9:beispielhausen, kaputt")
    assert principal_for("T1", "C123", mapping).organisation == "musterstadt"
    assert principal_for("T1", "C9", mapping).organisation == "beispielhausen"  # channel first
    assert principal_for("T2", "C1", mapping).organisation is None
