"""Domain names used across the core and every channel, defined once."""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    """What an ask produced."""

    ANSWER = "answer"  # a composed answer with citations
    CANDIDATES = "candidates"  # "Fundstellen zum Prüfen": likely §§/passages, no composed answer
    ABSTAIN = "abstain"  # the sources do not answer it: hand-off to an advisor


# Calibrated confidence (probability that a right source is among the two an answer names) as a
# band; the page and Slack show only the band, never a percentage.
BANDS: tuple[tuple[float, str], ...] = ((0.75, "hoch"), (0.5, "mittel"), (0.0, "niedrig"))
BAND_LABELS_EN = {"hoch": "high", "mittel": "medium", "niedrig": "low"}


# passages to check are never "hoch" (the outcome itself says the evidence is mixed), an
# abstention asserts nothing and is "niedrig" — whatever the probability behind them: the
# highest confidence each outcome's band may show
BAND_CAPS: dict[str, float] = {Outcome.CANDIDATES: 0.5, Outcome.ABSTAIN: 0.0}


def confidence_band(confidence: float, outcome: str | None = None) -> str:
    """'hoch', 'mittel' or 'niedrig' for a calibrated confidence and the outcome it led to."""
    confidence = min(confidence, BAND_CAPS.get(outcome or "", 1.0))
    return next((band for threshold, band in BANDS if confidence >= threshold), BANDS[-1][1])


class DocType(StrEnum):
    """Kinds of documents in the corpus."""

    POSITION_PAPER = "position_paper"
    LEGAL_FRAMEWORK = "legal_framework"
    CASE_STUDY = "case_study"
    VERIFIED_ANSWER = "verified_answer"  # an advisor's published answer (a case's "publish")
    OTHER = "other"


DOC_TYPE_LABELS = {
    DocType.LEGAL_FRAMEWORK: "Rechtsrahmen",
    DocType.POSITION_PAPER: "Positionspapier",
    DocType.CASE_STUDY: "Fallbeispiel",
    DocType.VERIFIED_ANSWER: "Geprüfte Antwort",
    DocType.OTHER: "Sonstiges",
}


class Rating(StrEnum):
    """Feedback on an answer."""

    UP = "up"
    DOWN = "down"


class FeedbackTag(StrEnum):
    """Reasons given with feedback."""

    HELPFUL = "helpful"
    WRONG = "wrong"
    INCOMPLETE = "incomplete"
    WRONG_SOURCES = "wrong_sources"
    OUTDATED = "outdated"
    OTHER = "other"


FEEDBACK_TAG_LABELS = {
    FeedbackTag.HELPFUL: "hilfreich",
    FeedbackTag.WRONG: "inhaltlich falsch",
    FeedbackTag.INCOMPLETE: "unvollständig",
    FeedbackTag.WRONG_SOURCES: "falsche Quellen",
    FeedbackTag.OUTDATED: "veraltet",
    FeedbackTag.OTHER: "Sonstiges",
}
# which tags are offered with which rating (the page and Slack)
FEEDBACK_TAGS_FOR = {
    Rating.UP: (FeedbackTag.HELPFUL, FeedbackTag.OTHER),
    Rating.DOWN: (
        FeedbackTag.WRONG,
        FeedbackTag.INCOMPLETE,
        FeedbackTag.WRONG_SOURCES,
        FeedbackTag.OUTDATED,
        FeedbackTag.OTHER,
    ),
}

OUTCOME_LABELS = {
    Outcome.ANSWER: "Antwort",
    Outcome.CANDIDATES: "Fundstellen zum Prüfen",
    Outcome.ABSTAIN: "keine Antwort aus den Quellen",
}


class Visibility(StrEnum):
    """Who sees a document."""

    PUBLIC = "public"  # laws, papers, case studies: everyone (default of `lotse ingest`)
    ORGANISATION = "organisation"  # an organisation's upload: that organisation and advisors


class CaseStatus(StrEnum):
    """Where a case that needs a person stands."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"
    CLOSED = "closed"


CASE_STATUS_LABELS = {
    CaseStatus.OPEN: "offen",
    CaseStatus.IN_PROGRESS: "in Bearbeitung",
    CaseStatus.ANSWERED: "beantwortet",
    CaseStatus.CLOSED: "geschlossen",
}

# allowed status changes by hand (answering sets `answered` itself)
CASE_TRANSITIONS = {
    CaseStatus.OPEN: (CaseStatus.IN_PROGRESS, CaseStatus.CLOSED),
    CaseStatus.IN_PROGRESS: (CaseStatus.OPEN, CaseStatus.CLOSED),
    CaseStatus.ANSWERED: (CaseStatus.CLOSED, CaseStatus.IN_PROGRESS),
    CaseStatus.CLOSED: (CaseStatus.OPEN,),
}


class VerifiedState(StrEnum):
    """Whether a published answer is still presented as verified."""

    VALID = "valid"
    EXPIRED = "expired"  # its review date (valid_until) has passed
    SOURCE_CHANGED = "source_changed"  # a cited document changed since publishing
    SOURCE_MISSING = "source_missing"  # a cited document disappeared
    WITHDRAWN = "withdrawn"  # taken back by an advisor


VERIFIED_STATE_LABELS = {
    VerifiedState.VALID: "gültig",
    VerifiedState.EXPIRED: "Prüfdatum überschritten",
    VerifiedState.SOURCE_CHANGED: "Quelle geändert",
    VerifiedState.SOURCE_MISSING: "Quelle entfernt",
    VerifiedState.WITHDRAWN: "zurückgezogen",
}


class Scope(StrEnum):
    """What a principal may do."""

    ASK = "ask"  # municipal staff and integrators: ask, search, their own conversations
    ADVISE = "advise"  # advisors: every question, feedback and draft; original files
    ADMIN = "admin"  # documents (upload, remove), purge


def vocabulary() -> dict[str, object]:
    """The domain names with their German labels, as served to the page."""
    return {
        "doc_types": {str(k): v for k, v in DOC_TYPE_LABELS.items()},
        "feedback_tags": {str(k): v for k, v in FEEDBACK_TAG_LABELS.items()},
        "feedback_tags_for": {str(r): [str(t) for t in ts] for r, ts in FEEDBACK_TAGS_FOR.items()},
        "outcomes": {str(k): v for k, v in OUTCOME_LABELS.items()},
        "bands": [band for _, band in BANDS],
        "scopes": [str(s) for s in Scope],
        "case_statuses": {str(k): v for k, v in CASE_STATUS_LABELS.items()},
        "case_transitions": {str(k): [str(t) for t in ts] for k, ts in CASE_TRANSITIONS.items()},
        "verified_states": {str(k): v for k, v in VERIFIED_STATE_LABELS.items()},
    }
