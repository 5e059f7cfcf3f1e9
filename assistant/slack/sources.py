"""An answer's sources and confidence in mrkdwn: a line and a label per source, how sure it is."""

from __future__ import annotations

from typing import Any

from assistant.domain import confidence_band
from assistant.slack.blocks import Block, escape, german_date, pack_lines, section, truncate

MAX_SOURCES = 15
QUOTE_CHARS = 240


def source_line(citation: dict[str, Any], quote: bool = True) -> str:
    """'[1] *OZG § 3* · Gesetz … · S. 4 · Stand 16.07.2021 · <url|Quelle öffnen>' (+ quote)."""
    law, sect = citation.get("law"), citation.get("section")
    title = citation.get("title") or citation.get("doc_id") or "Quelle"
    heading = citation.get("heading")
    if law and sect:
        parts = [f"*{escape(f'{law} {sect}')}*"]
        if heading:
            parts[0] += escape(_section_heading(citation))
        if title:
            parts.append(escape(str(title)))
    else:
        head = str(title) if not sect else f"{title}, {sect}"
        if heading and heading != title:
            head = f"{title} › {heading}"
        parts = [f"*{escape(head)}*"]
    if citation.get("page"):
        parts.append(f"S. {citation['page']}")
    if citation.get("ocr"):
        parts.append("Text per OCR erkannt")
    if citation.get("stand"):
        parts.append(f"Stand {escape(german_date(str(citation['stand'])))}")
    if citation.get("validity_note"):
        parts.append(f"⚠️ {escape(str(citation['validity_note']))}")
    url = citation.get("source_url")
    if isinstance(url, str) and url.startswith(("https://", "http://")) and "|" not in url:
        parts.append(f"<{escape(url)}|Quelle öffnen>")
    line = f"[{citation.get('n', '?')}] " + " · ".join(parts)
    text = str(citation.get("quote") or "").strip()
    if quote and text:
        line += "\n>„" + truncate(escape(" ".join(text.split())), QUOTE_CHARS) + "“"
    return line


def source_label(citation: dict[str, Any]) -> str:
    """Plain label for the fallback text: 'OZG § 3', 'Titel, S. 4'."""
    law, sect, heading = citation.get("law"), citation.get("section"), citation.get("heading")
    if law and sect:
        return f"{law} {sect}{_section_heading(citation)}"
    label = str(citation.get("title") or citation.get("doc_id") or "Quelle")
    if heading and heading != label:
        label += f" › {heading}"
    elif sect:
        label += f", {sect}"
    if citation.get("page"):
        label += f", S. {citation['page']}"
    return label


def _section_heading(citation: dict[str, Any]) -> str:
    """' Elektronische Kommunikation', or ' (8. Abschnitt - …)' for a § without a title."""
    heading = citation.get("heading")
    if not heading:
        return ""
    return f" ({heading})" if citation.get("heading_above") else f" {heading}"


def source_blocks(citations: list[dict[str, Any]], quotes: bool = True) -> list[Block]:
    """'*Quellen*' and one line per source, packed into sections ≤ 3000 characters."""
    lines = [source_line(c, quotes) for c in citations[:MAX_SOURCES]]
    if len(citations) > MAX_SOURCES:
        lines.append(f"_… und {len(citations) - MAX_SOURCES} weitere Quellen_")
    return [section(piece) for piece in pack_lines(["*Quellen*", *lines])]


def quotes_add_something(payload: dict[str, Any]) -> bool:
    """Extractive answers consist of the quoted sentences already; LLM answers do not."""
    return payload.get("mode") != "extractive"


def confidence_note(payload: dict[str, Any]) -> str:
    """One line: how sure the answer is and how it was made."""
    outcome = payload.get("outcome") or ("abstain" if payload.get("abstained") else "answer")
    if outcome == "abstain":
        return (
            ":grey_question: Keine belastbare Antwort in den Quellen – Berater*innen helfen weiter."
        )
    level = payload.get("confidence_band") or confidence_band(
        float(payload.get("confidence") or 0), outcome
    )
    if outcome == "candidates":
        return f":mag: Fundstellen zum Prüfen – keine eindeutige Antwort · Sicherheit: {level}"
    how = (
        "von einem Sprachmodell formuliert, Belege geprüft"
        if payload.get("mode") == "llm"
        else "wörtlich aus den Quellen zusammengestellt"
    )
    return f":bar_chart: Sicherheit: {level} · {how}"
