"""Questions no law text answers: the present state of the world, and how to set up software.

Legal texts lay down rules. They never record who is minister today or how many services are
online by now ("Wer ist gerade Bundesinnenminister?", "Gibt es aktuelle Zahlen?"), and they never
say how to configure a mail client or a video tool ("Wie richte ich in Outlook … ein?"). When
such a question meets only law texts, those cannot answer it, however close its topic looks to
a similarity search; the outcome abstains and says why. A question about who is responsible or
obliged ("Wer ist jetzt zuständig?") asks for a rule and is none of them; nor is "Darf das Land
ein Register einrichten?".
"""

from __future__ import annotations

import re

PRESENT = "present"  # who holds an office now, current figures
SETUP = "setup"  # how to set up or configure software

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
# "Wie richte ich in Outlook … ein?", "Welche Einstellungen müssen wir in Teams vornehmen?",
# "How do I set up a calendar in Exchange?"; "Darf das Land ein Register einrichten?" is a rule
_SETUP = re.compile(
    r"\bwie\s+(?:richte|richten|richtet|konfiguriere|konfigurieren|installiere|installieren)\s+"
    r"(?:ich|wir|man|du)\b|\bwelche\s+einstellungen\b"
    r"|\bhow\s+(?:do|can|should)\s+(?:i|we|you)\s+(?:set\s+up|configure|install)\b",
    re.IGNORECASE,
)


def beyond_laws(text: str) -> str | None:
    """PRESENT or SETUP when a question asks what no law text records, else None."""
    if _SETUP.search(text):
        return SETUP
    if not _DUTY.search(text) and (_PERSON.search(text) or _FIGURES.search(text)):
        return PRESENT
    return None
