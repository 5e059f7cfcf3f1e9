"""Reports for advisors and admins: knowledge gaps and usage (pseudonymous)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from assistant.api.schemas import GapsOut, UsageOut
from assistant.http.auth import AssistantDep, PrincipalDep
from assistant.http.errors import COMMON, responses

router = APIRouter(prefix="/v1/reports", tags=["reports"])
ERRORS = responses(*COMMON)
CSV = "text/csv; charset=utf-8"


@router.get("/gaps", response_model=GapsOut, responses=ERRORS)
def gaps(
    assistant: AssistantDep,
    principal: PrincipalDep,
    since: Annotated[
        float, Query(ge=0, le=3650, description="die letzten N Tage (0: alles Gespeicherte)")
    ] = 90,
    min_size: Annotated[int, Query(ge=1, le=1000, description="Themen ab N Fragen")] = 1,
) -> Any:
    """Advisors (`advise`) and admins: the questions that abstained, got only candidates
    (Fundstellen zum Prüfen) or got 👎, grouped by topic (clusters of their embeddings), largest
    first; each topic with its size, a label of characteristic terms, up to 5 typical questions
    (personal data and secrets masked), organisations, first/last seen and outcome counts:
    what the competence centre should write next. With `min_size=1` the questions without a
    similar one follow as one last entry (`single: true`, „Einzelfragen“)."""
    return assistant.reports.gaps(principal, since or None, min_size)


@router.get(
    "/usage",
    response_model=UsageOut,
    responses={**ERRORS, 200: {"content": {"text/csv": {}}, "description": "JSON oder CSV"}},
)
def usage(
    assistant: AssistantDep,
    principal: PrincipalDep,
    format: Annotated[Literal["json", "csv"], Query(description="json oder csv")] = "json",
    since: Annotated[
        float, Query(ge=0, le=3650, description="die letzten N Tage (0: alles Gespeicherte)")
    ] = 0,
) -> Any:
    """Advisors (`advise`) and admins: per ISO week (UTC) and organisation the questions, the
    shares of answers, candidates and abstentions, 👍/👎, cases opened and answered and the
    median hours to answer a case. Pseudonymous: no user or key ids. `?format=csv` for
    spreadsheets."""
    rows = assistant.reports.usage(principal, since or None)
    if format == "csv":
        return Response(
            assistant.reports.usage_csv(rows),
            media_type=CSV,
            headers={"Content-Disposition": 'attachment; filename="lotse-nutzung.csv"'},
        )
    return {"rows": rows}
