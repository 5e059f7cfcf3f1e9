"""Questions about the present state of the world: who holds an office now, current figures.

Legal texts lay down rules; they never record who is minister today or how many services are
online by now ("Wer ist gerade Bundesinnenminister?", "Gibt es aktuelle Zahlen?"). When such a
question meets only law texts, those texts cannot answer it, however close its topic looks to a
similarity search; the outcome abstains and says why. A question about who is responsible or
obliged ("Wer ist jetzt zuständig?") asks for a rule and is not one of them.
"""

from __future__ import annotations

import re

_NOW = (
    r"aktuell|derzeit|gerade|momentan|zurzeit|zur\s+zeit|im\s+moment|jetzt|heute|inzwischen|"
    r"mittlerweile|bislang|bisher"
)
# "Wer ist eigentlich gerade Bundesinnenminister?", "Who is the current mayor of Munich?"
_PERSON = re.compile(
    rf"\bwer\s+(?:ist|sind|war)\b[^?.!]{{0,60}}?\b(?:{_NOW})\b"
    r"|\bwho\s+(?:is|are)\s+(?:the\s+)?(?:current|present)\b"
    r"|\bwho\s+(?:is|are|holds)\b[^?.!]{0,60}\b(?:currently|right now|at the moment|today)\b",
    re.IGNORECASE,
)
# "Wie viele Kommunen haben die E-Akte inzwischen eingeführt?", "aktuelle Zahlen", "what
# percentage … currently"
_FIGURES = re.compile(
    r"\b(?:wie\s*viele|how\s+many|what\s+(?:percentage|share|proportion|number))\b[^?]{0,120}?"
    rf"\b(?:{_NOW}|currently|so far|to date|by now|nowadays)\b"
    r"|\b(?:aktuellen?|neuesten?)\s+(?:zahlen|statistik\w*|erhebung\w*|umfrage\w*)\b"
    r"|\b(?:current|latest)\s+(?:numbers?|figures?|statistics?|data)\b",
    re.IGNORECASE,
)
# who is responsible, entitled or obliged: a question about a rule
_DUTY = re.compile(
    r"zuständig|verantwortlich|befugt|berechtigt|verpflichtet|responsible|in charge|entitled|"
    r"obliged",
    re.IGNORECASE,
)


def asks_current_state(text: str) -> bool:
    """True when a question asks who holds an office now or for current figures."""
    if _DUTY.search(text):
        return False
    return bool(_PERSON.search(text) or _FIGURES.search(text))
