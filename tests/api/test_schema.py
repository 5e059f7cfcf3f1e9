"""schemathesis against /openapi.json: no 5xx, no response violating the schema."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.api.conftest import ADMIN_KEY, Server


def test_every_operation_conforms_to_the_schema(server: Server) -> None:
    with server.client() as client:  # the first answer of a fresh process waits for warm-up
        assert client.post("/v1/ask", json={"question": "Was regelt das OZG?"}).is_success
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    failures: list[str] = []
    checked = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        checked += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=6,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case) -> None:
            case.call_and_validate(
                base_url=server.url,
                headers={"Authorization": f"Bearer {ADMIN_KEY}"},
                checks=[not_a_server_error, response_schema_conformance],
                timeout=60,
            )

        try:
            run()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {str(exc)[:600]}")
    assert checked >= 10
    assert not failures, "\n\n".join(failures)
