"""A reply draft (plain text with light Markdown) as a .docx document."""

from __future__ import annotations

import io
import re

from docx import Document
from docx.shared import Pt
from docx.text.paragraph import Paragraph

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")
_BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def clean(text: str) -> str:
    """Text without characters that XML (and so Word) cannot hold."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _add_runs(paragraph: Paragraph, line: str) -> None:
    """Runs of one line; **bold** becomes bold."""
    position = 0
    for match in _BOLD.finditer(line):
        if match.start() > position:
            paragraph.add_run(line[position : match.start()])
        paragraph.add_run(match.group(1)).bold = True
        position = match.end()
    if position < len(line):
        paragraph.add_run(line[position:])


def draft_docx(text: str, title: str | None = None) -> bytes:
    """The draft as .docx bytes: headings (#), bullet lists (-), paragraphs by blank lines."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Calibri"  # type: ignore[attr-defined]
    style.font.size = Pt(11)  # type: ignore[attr-defined]
    if title:
        document.core_properties.title = clean(title)[:200]
    document.core_properties.author = "Digitallotse"
    lines: list[str] = []

    def flush() -> None:
        if not lines:
            return
        paragraph = document.add_paragraph()
        for i, line in enumerate(lines):
            if i:
                paragraph.add_run().add_break()
            _add_runs(paragraph, line)
        lines.clear()

    for raw in clean(text).split("\n"):
        line = raw.rstrip()
        heading = _HEADING.match(line)
        bullet = _BULLET.match(line)
        if not line.strip():
            flush()
        elif heading:
            flush()
            document.add_heading(heading.group(2).strip(), level=len(heading.group(1)))
        elif bullet:
            flush()
            _add_runs(document.add_paragraph(style="List Bullet"), bullet.group(1))
        else:
            lines.append(line)
    flush()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
