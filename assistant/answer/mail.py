"""Pasted mail: greetings, sign-offs with signatures, headers, disclaimers and the quoted or
forwarded history told apart from what the asker writes."""

from __future__ import annotations

import re

HEADER = re.compile(
    r"^\s*(?:von|from|gesendet|sent|an|to|cc|bcc|datum|date|betreff|subject|wichtigkeit)\s*:.*$",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(
    r"^\s*[-_=*]{2,}.*(?:nachricht|message|original|weitergeleitet|forwarded).*$|^\s*[-_=]{5,}\s*$",
    re.IGNORECASE,
)
_RULE = re.compile(r"^\s*[-_=*]{3,}")
_ENDS_SIGNATURE = re.compile(r"^\s*[-_=*]{3,}|^.{20,}\?\s*$")
_QUOTE_INTRO = re.compile(
    r"^\s*(?:am|on)\s.{0,120}(?:schrieb|wrote|hat geschrieben)\b.{0,80}:?\s*$", re.IGNORECASE
)
_GREETING = re.compile(
    r"^\s*(?:sehr geehrte|liebe[rs]?\b|hallo|guten (?:tag|morgen|abend)|moin|servus|grüß gott|"
    r"hi\b|hey\b|dear|hello|good (?:morning|afternoon))[^\n]{0,80}$",
    re.IGNORECASE,
)
_SIGN_OFF = re.compile(
    r"^\s*(?:(?:mit )?(?:freundlichen|besten|vielen|herzlichen|sportlichen|kollegialen|lieben|"
    r"schönen)?\s*grü(?:ß|ss)en?|viele grüße|beste grüße|liebe grüße|mfg|lg|vg|gruß|"
    r"hochachtungsvoll|(?:best|kind|warm) regards|regards|best wishes|sincerely|cheers|--)"
    r"\b[^\n]{0,60}$",
    re.IGNORECASE,
)
_DISCLAIMER = re.compile(
    r"vertraulich|confidential|disclaimer|bitte denken sie an die umwelt|"
    r"diese (?:e-mail|nachricht) (?:enthält|ist)|this (?:e-mail|message) (?:contains|is)|"
    r"ausdruck dieser (?:e-?mail|nachricht)|before printing this",
    re.IGNORECASE,
)
# "Re:", "AW:", "WG:", "Fwd:" before a subject
REPLY_PREFIX = re.compile(r"^(?:\s*(?:aw|wg|re|fwd?|antw)\s*:)+\s*", re.IGNORECASE)
# where a forwarded message begins: "-----Ursprüngliche Nachricht-----", a header block's "Von: …"
# (a rule of dashes alone may be the asker's own divider; a quote's "> …" lines are dropped
# anyway, and the asker may go on below them)
_FORWARDED = re.compile(
    r"^\s*[-_=*]{2,}.*(?:nachricht|message|original|weitergeleitet|forwarded)"
    r"|^\s*(?:von|from)\s*:",
    re.IGNORECASE,
)


def clean(text: str) -> str:
    """Text without greetings, sign-offs and signatures, headers, disclaimers, quoted history."""
    kept: list[str] = []
    in_signature = False
    for line in text.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if _SEPARATOR.match(stripped) or _QUOTE_INTRO.match(stripped):
            in_signature = False  # a new message begins
            continue
        if in_signature and _ENDS_SIGNATURE.match(stripped):
            # "-------- Interne Notiz --------", a question: the text goes on after a signature
            in_signature = False
            if _RULE.match(stripped):
                continue
        if HEADER.match(stripped):
            in_signature = False
            if stripped.lower().startswith(("betreff", "subject")):
                kept.append(REPLY_PREFIX.sub("", stripped.split(":", 1)[1]).strip())
            continue
        if stripped.startswith(">") or _DISCLAIMER.search(stripped):
            continue
        if _SIGN_OFF.match(stripped):
            in_signature = True
            continue
        if in_signature:
            continue
        if _GREETING.match(stripped) and len(stripped) < 80:
            continue
        kept.append(line)
    cleaned = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    return cleaned or text.strip()


def quoted(text: str) -> str:
    """The quoted history ("> …" lines, unquoted), cleaned like the rest: what a forwarded
    message said, which the asker's own question may point to ("diese Zahlen", "unten")."""
    lines = [
        re.sub(r"^(?:\s*>)+ ?", "", line)
        for line in text.replace("\r\n", "\n").split("\n")
        if line.lstrip().startswith(">")
    ]
    return clean("\n".join(lines)) if any(line.strip() for line in lines) else ""


def own_part(text: str) -> str | None:
    """What the asker wrote above the first forwarded message, cleaned; None when there is no
    such message or nothing of the asker's above it."""
    lines = text.replace("\r\n", "\n").split("\n")
    for n, line in enumerate(lines):
        if _FORWARDED.match(line):
            above = "\n".join(lines[:n])
            return clean(above) if above.strip() else None
    return None
