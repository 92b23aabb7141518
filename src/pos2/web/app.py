"""The dashboard's FastAPI app: one page, its assets, and a small JSON API.

Endpoints (also described by the OpenAPI document at ``/openapi.json``):

``GET /``                     the dashboard page
``GET /static/{name}``        the page's own assets (a fixed list; plotly.js from the plotly package)
``GET /api/health``           liveness and which stages this build has
``GET /api/scenarios``        names of the embedded scenarios
``GET /api/schema``           the scenario schema table (key, type, unit, default, range)
``GET /api/levers``           the dashboard levers with ranges and the scenario's values
``GET /api/capacity``         the line's capacity as built (the throughput slider's top)
``GET|POST /api/twin``        twin summary and profile
``GET|POST /api/economics``   costs, tariff and NPVs per party
``GET|POST /api/deal``        zone of agreement, Nash price, agreement probability
``POST /api/dashboard``       everything the page shows, in one call

Lever values are validated against the scenario schema: a value out of range is answered with
422 and a message naming the key, the value and the allowed range. The server reads only its own
assets and the embedded scenario library (``scenario`` must be an embedded name).
"""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import plotly
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator
from starlette.exceptions import HTTPException as StarletteHTTPException

import pos2
from pos2.errors import Pos2Error, shorten
from pos2.pipeline import STAGES, StageOutcome
from pos2.report.extract import clean_json, profile_table
from pos2.scenario import DEFAULT_SCENARIO, Scenario, available_scenarios, schema_table
from pos2.web import transient_api
from pos2.web.capacity import CapacityCache
from pos2.web.guard import LOOPBACK_HOSTS, MAX_BODY_BYTES, RequestGuard
from pos2.web.service import LEVER_KEYS, DashboardService, bounds, levers

ScenarioName = StrEnum("ScenarioName", {n: n for n in available_scenarios()})  # type: ignore[misc]
"""Only the embedded scenarios can be named (no file paths over the network)."""

STATIC_FILES: dict[str, str] = {
    "app.js": "application/javascript",
    "style.css": "text/css",
    "plotly.min.js": "application/javascript",
}


def plotly_js_path() -> Path:
    """The ``plotly.min.js`` bundled with the installed plotly package (never a CDN)."""
    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def _static_path(name: str) -> Path:
    if name == "plotly.min.js":
        return plotly_js_path()
    return Path(str(resources.files("pos2.web") / "static" / name))


def _field_name(key: str) -> str:
    return key.replace(".", "__")


def _lever_fields() -> dict[str, Any]:
    rows = {r.key: r for r in schema_table()}
    fields: dict[str, Any] = {}
    for key in LEVER_KEYS:
        b = bounds(key)
        constraints: dict[str, Any] = {}
        if b.low is not None:
            constraints["gt" if b.low_exclusive else "ge"] = b.low
        if b.high is not None:
            constraints["lt" if b.high_exclusive else "le"] = b.high
        desc = f"{rows[key].description} [{rows[key].unit}]"
        fields[_field_name(key)] = (
            float | None,
            Field(None, alias=key, description=desc, allow_inf_nan=False, **constraints),
        )
    return fields


class _LeverBase(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=False)

    @model_validator(mode="before")
    @classmethod
    def _no_booleans(cls, data: Any) -> Any:
        # lax number parsing would read true/false as 1/0: a silently wrong lever (query strings stay
        # accepted as numbers, as a URL carries nothing else)
        if isinstance(data, dict):
            for key, value in data.items():
                if isinstance(value, bool):
                    raise ValueError(f"'{key}' must be a number, not {str(value).lower()}")
        return data

    scenario: ScenarioName = Field(  # type: ignore[valid-type]
        ScenarioName(DEFAULT_SCENARIO), description="Embedded scenario name."
    )

    def overrides(self) -> dict[str, float]:
        """The lever values that were given, as dotted key -> value."""
        return {
            key: float(v) for key in LEVER_KEYS if (v := getattr(self, _field_name(key), None)) is not None
        }


Levers = create_model("Levers", __base__=_LeverBase, **_lever_fields())
"""Lever values (each optional; missing ones keep the scenario's value)."""


class EconomicsRequest(Levers):  # type: ignore[valid-type,misc]
    """Lever values plus the Monte Carlo size."""

    paths: int = Field(200, ge=0, le=2000, description="Monte Carlo price paths (0: deterministic only).")
    seed: int | None = Field(
        None, ge=0, le=2**31 - 1, description="Random seed (default: the scenario's montecarlo.seed)."
    )


class ErrorBody(BaseModel):
    """An error answer: what went wrong, in words."""

    error: str
    message: str


def _stage_response(
    outcome: StageOutcome[Any], scenario: Scenario, extra: dict[str, Any] | None = None
) -> Any:
    if not outcome.ok:
        return JSONResponse(status_code=422, content={"error": "StageFailed", "message": outcome.error or ""})
    body = {"scenario": scenario.name, "overrides": dict(scenario.overrides), "result": outcome.data}
    if extra:
        body.update(extra)
    return clean_json(body)


def _request_key(endpoint: str, req: Any) -> tuple[str, str]:
    """What makes two requests identical: the endpoint and the validated body (single flight)."""
    body: BaseModel = req
    return endpoint, body.model_dump_json()


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query")]
        where = ".".join(loc) or "request"
        value = err.get("input")
        shown = "" if isinstance(value, dict | list) or value is None else f" (got {shorten(value)})"
        parts.append(f"{where}: {err.get('msg', 'invalid')}{shown}")
    return "; ".join(parts) or "invalid request"


def create_app(
    service: DashboardService | None = None,
    *,
    allowed_hosts: frozenset[str] | None = LOOPBACK_HOSTS,
    max_body_bytes: int = MAX_BODY_BYTES,
) -> FastAPI:
    """Build the dashboard app.

    Parameters
    ----------
    service
        The computation service (a fresh one with its own twin cache by default) [-].
    allowed_hosts
        Names accepted in the ``Host`` header (loopback by default; ``None``: any) [-]
    max_body_bytes
        Largest request body [bytes]
    """
    svc = service or DashboardService()
    app = FastAPI(
        title="pos2 dashboard API",
        version=pos2.__version__ if hasattr(pos2, "__version__") else "0",
        description="Levers of the Power of Siberia 2 deal; twin, economics and deal results as JSON.",
        # FastAPI's /docs and /redoc pages load their scripts from a CDN: not served (offline only)
        docs_url=None,
        redoc_url=None,
    )
    app.add_middleware(RequestGuard, allowed_hosts=allowed_hosts, max_body_bytes=max_body_bytes)

    @app.exception_handler(Pos2Error)
    async def _pos2_error(_req: Request, exc: Pos2Error) -> JSONResponse:
        return JSONResponse(status_code=422, content={"error": type(exc).__name__, "message": str(exc)})

    @app.exception_handler(RequestValidationError)
    async def _invalid(_req: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(
            status_code=422,
            content={"error": "ValidationError", "message": _validation_message(exc)},
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_req: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            status_code=exc.status_code,
            content={"error": "HTTPError", "message": str(exc.detail)},
            headers=getattr(exc, "headers", None),
        )

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index() -> HTMLResponse:
        html = (resources.files("pos2.web") / "static" / "index.html").read_text(encoding="utf-8")
        return HTMLResponse(html)

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        if name not in STATIC_FILES:
            return JSONResponse(status_code=404, content={"error": "NotFound", "message": "no such asset"})
        return FileResponse(_static_path(name), media_type=STATIC_FILES[name])

    errors: dict[int | str, dict[str, Any]] = {422: {"model": ErrorBody}}

    @app.get("/api/health")
    async def health() -> dict[str, Any]:
        """Liveness and the stages the server runs."""
        return {"status": "ok", "stages": dict.fromkeys(STAGES, True)}

    @app.get("/api/scenarios")
    def scenarios() -> list[str]:
        """Names of the embedded scenarios."""
        return available_scenarios()

    @app.get("/api/schema")
    def schema() -> list[dict[str, Any]]:
        """The scenario schema: one row per settable key."""
        return clean_json([dataclasses.asdict(r) for r in schema_table()])  # type: ignore[no-any-return]

    @app.get("/api/levers", responses=errors)
    def get_levers(scenario: ScenarioName = ScenarioName(DEFAULT_SCENARIO)) -> list[dict[str, Any]]:  # type: ignore[valid-type]
        """The dashboard levers with their ranges and the scenario's values."""
        return clean_json(levers(svc.scenario(scenario.value, {})))  # type: ignore[no-any-return]

    capacities = CapacityCache()

    @app.get("/api/capacity", responses=errors)
    def get_capacity(scenario: ScenarioName = ScenarioName(DEFAULT_SCENARIO)) -> dict[str, Any]:  # type: ignore[valid-type]
        """The line's capacity with the stations as built [bcm/yr] and what limits it (computed once)."""
        return capacities.get(scenario.value)

    def _twin(req: _LeverBase) -> Any:
        scn = svc.scenario(req.scenario.value, req.overrides())
        outcome = svc.twin(scn)
        prof = profile_table(outcome.result) if outcome.ok else None
        extra: dict[str, Any] = {
            "profile": None if prof is None else {str(c): prof[c].tolist() for c in prof.columns},
            "violations": [v.message() for v in outcome.result.violations] if outcome.result else [],
        }
        res = outcome.result
        if res is not None:  # as pos2 twin --json: feasibility, solver and the volumes' reference conditions
            from pos2.twin.gas import reference_info

            extra["feasible"] = bool(res.feasible)
            extra["warnings"] = list(res.warnings)
            extra["solver"] = clean_json(res.solver)
            extra["gas"] = reference_info(scn, res.summary.throughput_bcm_per_year)
        return _stage_response(outcome, scn, extra)

    def _economics(req: EconomicsRequest) -> Any:
        scn = svc.scenario(req.scenario.value, req.overrides())
        chain = svc.chain(scn, paths=req.paths, seed=req.seed)
        return _stage_response(chain.economics, scn)

    def _deal(req: _LeverBase) -> Any:
        scn = svc.scenario(req.scenario.value, req.overrides())
        chain = svc.chain(scn)
        return _stage_response(chain.deal, scn)

    @app.post("/api/twin", responses=errors)
    async def post_twin(req: Levers) -> Any:  # type: ignore[valid-type]
        """Twin summary (issue 4 ``--json`` object), pressure profile and broken limits at the levers."""
        return await svc.offload(_twin, req, key=_request_key("_twin", req))

    @app.get("/api/twin", responses=errors)
    async def get_twin(req: Annotated[Levers, Query()]) -> Any:  # type: ignore[valid-type]
        """Twin summary; levers as query parameters (e.g. ``?pipeline.throughput_bcm_per_year=40``)."""
        return await svc.offload(_twin, req, key=_request_key("_twin", req))

    @app.post("/api/economics", responses=errors)
    async def post_economics(req: EconomicsRequest) -> Any:
        """Economics (issue 5 ``--json`` object) at the given levers."""
        return await svc.offload(_economics, req, key=_request_key("_economics", req))

    @app.get("/api/economics", responses=errors)
    async def get_economics(req: Annotated[EconomicsRequest, Query()]) -> Any:
        """Economics; levers as query parameters."""
        return await svc.offload(_economics, req, key=_request_key("_economics", req))

    @app.post("/api/deal", responses=errors)
    async def post_deal(req: Levers) -> Any:  # type: ignore[valid-type]
        """Deal (issue 6 ``--json`` object) at the given levers."""
        return await svc.offload(_deal, req, key=_request_key("_deal", req))

    @app.get("/api/deal", responses=errors)
    async def get_deal(req: Annotated[Levers, Query()]) -> Any:  # type: ignore[valid-type]
        """Deal; levers as query parameters."""
        return await svc.offload(_deal, req, key=_request_key("_deal", req))

    @app.post("/api/deal/detail", responses=errors)
    async def post_deal_detail(req: Levers) -> Any:  # type: ignore[valid-type]
        """The deal's gap waterfall, lever effects, efficient terms and contract map at the levers
        (as ``pos2 deal --map --json``; slow the first time for a lever state, then cached)."""
        lv: _LeverBase = req

        def answer() -> Any:
            return svc.valuation_detail(svc.scenario(lv.scenario.value, lv.overrides()))

        return await svc.offload(answer, key=_request_key("deal_detail", lv))

    transient_api.register(app, lambda r: svc.scenario(r.scenario.value, r.overrides()), Levers, errors)

    @app.post("/api/dashboard", responses=errors)
    async def dashboard(req: Levers) -> Any:  # type: ignore[valid-type]
        """Everything the page shows: stage status, twin profile, NPVs, zone of agreement."""
        lv: _LeverBase = req

        def answer() -> Any:
            return svc.dashboard(svc.scenario(lv.scenario.value, lv.overrides()))

        return await svc.offload(answer, key=_request_key("dashboard", lv))

    return app
