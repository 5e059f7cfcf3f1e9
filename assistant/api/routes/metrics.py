"""GET /metrics: Prometheus text format for operations."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST

from assistant.domain import Scope
from assistant.errors import Forbidden
from assistant.http.auth import AssistantDep, identify
from assistant.http.errors import responses

router = APIRouter(tags=["operations"])


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {"content": {"text/plain": {}}, "description": "Prometheus-Textformat"},
        **responses(401, 403, 429),
    },
)
def metrics(request: Request, assistant: AssistantDep) -> Response:
    """Prometheus metrics: `lotse_http_requests_total` and
    `lotse_http_request_duration_seconds` by method, route template and status,
    `lotse_answers_total` by outcome, `lotse_cases` by status and
    `lotse_case_queue_oldest_seconds`. Needs an `admin` key when keys are configured, unless
    `LOTSE_METRICS_PUBLIC=true` (then keep the port away from the internet)."""
    if not assistant.settings.metrics_public:
        principal = identify(request)
        if principal is None or not principal.can(Scope.ADMIN):
            raise Forbidden(str(Scope.ADMIN), "Metriken")
    return Response(request.app.state.metrics.render(), media_type=CONTENT_TYPE_LATEST)
