"""Domain names used across the core and every channel, defined once."""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    """What an ask produced."""

    ANSWER = "answer"  # a composed answer with citations
    CANDIDATES = "candidates"  # "Fundstellen zum Prüfen": likely §§/passages, no composed answer
    ABSTAIN = "abstain"  # the sources do not answer it: hand-off to an advisor


# Calibrated confidence (probability that the leading source is the right one) as a band;
# the page and Slack show only the band, never a percentage.
BANDS: tuple[tuple[float, str], ...] = ((0.75, "hoch"), (0.5, "mittel"), (0.0, "niedrig"))
BAND_LABELS_EN = {"hoch": "high", "mittel": "medium", "niedrig": "low"}


def confidence_band(confidence: float) -> str:
    """'hoch', 'mittel' or 'niedrig' for a calibrated confidence."""
    for threshold, band in BANDS:
        if confidence >= threshold:
            return band
    return BANDS[-1][1]
