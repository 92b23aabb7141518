"""``/api/transient/flexibility``: the dashboard's transient and flexibility quantities as JSON.

The same quantities as the report's "Transient and flexibility" section
(:func:`pos2.report.transient_section.compute`): linepack swing against load, survival time after a
trip at a few stations, the space-time pressure after the first trip, and the flexibility cost curve.
The first call for a scenario runs the simulations (tens of seconds); results are cached per scenario
content in the server process.
"""

# no ``from __future__ import annotations``: FastAPI must see the request model of ``register`` itself
from collections.abc import Callable
from typing import Annotated, Any

import pandas as pd
from fastapi import FastAPI, Query

from pos2.report.extract import clean_json
from pos2.report.transient_section import compute
from pos2.scenario import Scenario

__all__ = ["flexibility_json", "register"]


def _rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in r.items()} for r in df.to_dict(orient="records")]


def flexibility_json(scn: Scenario) -> dict[str, Any]:
    """The endpoint's answer for a scenario (strict JSON: NaN becomes null)."""
    data = compute(scn)
    st = data["space_time"]
    return clean_json(  # type: ignore[no-any-return]
        {
            "scenario": scn.name,
            "overrides": dict(scn.overrides),
            "capacity_bcm_per_year": data["capacity_bcm_per_year"],
            "linepack_swing": _rows(data["linepack_swing"]),
            "survival": _rows(data["survival"]),
            "space_time": {
                "event": st["event"],
                "time_h": st["time_h"].tolist(),
                "chainage_km": st["chainage_km"].tolist(),
                "p_mpa": st["p_mpa"].tolist(),
            },
            "cost_curve": _rows(data["cost_curve"]),
            "settings": data["settings"],
        }
    )


def register(app: FastAPI, scenario_of: Callable[[Any], Scenario], request_model: Any, errors: Any) -> None:
    """Add ``GET /api/transient/flexibility`` (levers as query parameters) to ``app``.

    Parameters
    ----------
    app
        The dashboard app [-].
    scenario_of
        Turns a lever request into a checked scenario [-].
    request_model
        The lever request model (query parameters) [-].
    errors
        The app's error responses [-].
    """

    @app.get("/api/transient/flexibility", responses=errors)
    def transient_flexibility(req: Annotated[request_model, Query()]) -> Any:  # type: ignore[valid-type]
        """Linepack swing against load, survival after trips, space-time pressure, flexibility cost
        curve (as the report's section); levers as query parameters."""
        return flexibility_json(scenario_of(req))
