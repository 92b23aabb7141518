"""Fuzz the JSON API from its own OpenAPI document (schemathesis): no input may give a 5xx.

501 is tolerated only for a stage that this build does not contain (``/api/health`` says so).
"""

from __future__ import annotations

import httpx
import schemathesis
from hypothesis import HealthCheck, settings

from pos2.report.stages import stage_function
from pos2.web.app import create_app

schema = schemathesis.openapi.from_dict(create_app().openapi())

_STAGE_OF_PATH = {"/api/twin": "twin", "/api/economics": "economics", "/api/deal": "deal"}


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_api_never_answers_5xx(case: schemathesis.Case, server_url: str) -> None:
    response = case.call(base_url=server_url, timeout=60)
    status = response.status_code
    stage = _STAGE_OF_PATH.get(case.operation.path)
    if status == 501 and stage is not None and stage_function(stage) is None:
        return
    assert status < 500, f"{case.method} {case.path} -> {status}: {response.text[:500]}"
    if status >= 400:
        body = response.json()
        assert body.get("message"), (status, case.method, case.path, body)
    else:
        httpx.Response(status, content=response.content).json()  # valid JSON
