"""Recognising instruction-like text in documents (possible prompt injection)."""

from __future__ import annotations

import re

_INSTRUCTION = re.compile(
    r"ignor\w*\s+(?:alle\s+|all\s+)?(?:vorherigen|bisherigen|previous|prior|above)"
    r"|(?:^|\n)\s*(?:system|assistant|user)\s*:"
    r"|<!--\s*(?:system|assistant)"
    r"|systemprompt|system prompt"
    r"|(?:gib|zeige|nenne)\s+\w*\s*(?:den|die|alle)?\s*(?:system\w*|api-?schlüssel|passw\w+|"
    r"umgebungsvariablen|secrets?)"
    r"|reveal\s+(?:the\s+)?(?:configuration|secrets?|system|prompt|keys?)"
    r"|antworte\s+ab\s+jetzt|from\s+now\s+on\s+(?:answer|respond)"
    r"|you\s+are\s+now|du\s+bist\s+jetzt",
    re.IGNORECASE,
)


def is_instruction_like(text: str) -> bool:
    """True for text that addresses an AI system instead of informing a reader."""
    return bool(_INSTRUCTION.search(text))


def instruction_lines(text: str) -> list[str]:
    """The lines of a document that look like instructions to an assistant."""
    return [line.strip()[:120] for line in text.splitlines() if is_instruction_like(line)]
