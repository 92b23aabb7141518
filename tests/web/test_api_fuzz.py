"""Fuzz the JSON API from its own OpenAPI document (schemathesis): no input may give a 5xx.

Every stage is in the build: a 501 is a failure like any other 5xx.
"""

from __future__ import annotations

from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, settings

from pos2.web.app import create_app

_OPENAPI = create_app().openapi()
schema = schemathesis.openapi.from_dict(_OPENAPI)
# the coverage phase (boundary values of every parameter) is thorough but runs the stages for each
# case: it is kept for /api/dashboard, which runs all of them, and skipped for the other stage routes
fuzz_only = schemathesis.openapi.from_dict(
    _OPENAPI, config=schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}})
)

COMPUTE = "^/api/(twin|economics|deal|dashboard|deal/detail|transient/flexibility)$"
"""Operations that run the stages (about a second each; the transient simulations tens of seconds):
fewer examples, so the test stays < 60 s."""
SLOW = "^/api/(dashboard|deal/detail|transient/flexibility)$"
"""Not in the stage fuzz: the dashboard and the transient endpoint have their own tests;
/api/deal/detail runs the whole valuation (tens of seconds a case) and takes the same lever model as
/api/deal, which is fuzzed (a valid and an invalid call are in tests/web/test_web_api.py)."""


def _check(case: schemathesis.Case, server_url: str) -> None:
    response = case.call(base_url=server_url, timeout=60)
    status = response.status_code
    assert status < 500, f"{case.method} {case.path} {case.body!r} -> {status}: {response.text[:500]}"
    if status >= 400:
        body = response.json()
        assert body.get("message"), (status, case.method, case.path, body)
    else:
        httpx.Response(status, content=response.content).json()  # valid JSON


@schema.exclude(path_regex=COMPUTE).parametrize()
@settings(
    max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True
)
def test_metadata_api_never_answers_5xx(case: schemathesis.Case, server_url: str) -> None:
    _check(case, server_url)


@schema.include(path_regex="^/api/dashboard$").parametrize()
@settings(
    max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True
)
def test_dashboard_api_never_answers_5xx(case: schemathesis.Case, server_url: str) -> None:
    _check(case, server_url)


@fuzz_only.include(path_regex=COMPUTE).exclude(path_regex=SLOW).parametrize()
@settings(
    max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True
)
def test_stage_api_never_answers_5xx(case: schemathesis.Case, server_url: str) -> None:
    _check(case, server_url)


@fuzz_only.include(path_regex="^/api/transient/flexibility$").parametrize()
@settings(
    max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True
)
def test_transient_api_never_answers_5xx(case: schemathesis.Case, server_url: str, seen: list[Any]) -> None:
    """The levers of /api/transient/flexibility are validated like the others (the slow simulations are
    replaced by a stand-in, ``seen`` in conftest.py)."""
    _check(case, server_url)
