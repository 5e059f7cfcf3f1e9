"""Reports: the knowledge gaps and the usage per organisation and week."""

from __future__ import annotations

from pydantic import BaseModel, Field


class GapOutcomesOut(BaseModel):
    """How the questions of a topic ended."""

    answer: int = Field(description="beantwortet, aber mit 👎 bewertet")
    candidates: int = Field(description="nur Fundstellen zum Prüfen")
    abstain: int = Field(description="keine Antwort aus den Quellen")


class GapGroupOut(BaseModel):
    """A topic the sources do not cover well: what the centre could write next."""

    label: str = Field(description="die kennzeichnenden Begriffe (klassenbasiertes TF-IDF)")
    terms: list[str]
    size: int = Field(description="Zahl der Fragen")
    examples: list[str] = Field(description="bis zu 5 typische Fragen (maskiert)")
    organisations: list[str]
    first_seen: str
    last_seen: str
    outcomes: GapOutcomesOut
    thumbs_down: int
    single: bool = Field(
        default=False,
        description="true: keine Themengruppe, sondern die Einzelfragen (Fragen ohne ähnliche "
        "Frage, bis zu 20 als examples, neueste zuerst), immer als letzter Eintrag",
    )


class GapsOut(BaseModel):
    """The knowledge-gaps report: topics by size, largest first."""

    since: str | None = Field(description="Beginn des Zeitraums (UTC), null: alles Gespeicherte")
    questions: int = Field(description="Fragen im Zeitraum ohne Antwort, mit Fundstellen oder 👎")
    distance: float = Field(description="Kosinus-Abstand, unter dem Fragen ein Thema bilden")
    groups: list[GapGroupOut]


class UsageRowOut(BaseModel):
    """Usage of one organisation in one ISO week (UTC); no user ids."""

    week: str = Field(examples=["2025-W07"])
    organisation: str | None = Field(description="null: Schlüssel ohne Organisation")
    questions: int
    answer: int
    candidates: int
    abstain: int
    answer_share: float
    candidates_share: float
    abstain_share: float
    thumbs_up: int
    thumbs_down: int
    cases_opened: int
    cases_answered: int
    median_hours_to_answer: float | None = Field(
        description="Median der Stunden vom Anlegen bis zur Antwort der in der Woche "
        "beantworteten Fälle"
    )


class UsageOut(BaseModel):
    """The usage report, oldest week first."""

    rows: list[UsageRowOut]
