"""A live dashboard server on a free loopback port, shared by the web tests."""

from __future__ import annotations

import math
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest
import uvicorn

from pos2.scenario import Scenario
from pos2.web import transient_api
from pos2.web.app import create_app


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """Base URL of a running ``pos2`` dashboard (uvicorn in a background thread)."""
    port = _free_port()
    config = uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the dashboard server did not start within 20 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def fake_data() -> dict[str, Any]:
    """A small stand-in for :func:`pos2.report.transient_section.compute` (shape as the real one)."""
    return {
        "linepack_swing": pd.DataFrame({"load_factor": [0.8, 1.0], "linepack_swing_mcm": [3.5, 4.2]}),
        "survival": pd.DataFrame({"event": ["trip:a@1h", "trip:b@1h"], "survival_time_h": [5.0, math.nan]}),
        "space_time": {
            "event": "trip:a@1h",
            "time_h": np.array([0.0, 1.0]),
            "chainage_km": np.array([0.0, 10.0, 20.0]),
            "p_mpa": np.array([[9.0, 8.0, 7.0], [9.0, 7.9, 6.8]]),
        },
        "cost_curve": pd.DataFrame(
            {
                "load_factor": [0.8, 1.0],
                "tariff_usd_per_kcm": [60.0, 50.0],
                "intraday_swing_max": [0.5, 0.26],
                "seasonal_swing_max": [0.25, 0.0],
            }
        ),
        "capacity_bcm_per_year": 50.0,
        "settings": {"dt_s": 900.0},
    }


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> list[Scenario]:
    """Replace the slow transient computation of /api/transient/flexibility by :func:`fake_data`;
    the list collects the scenarios it was asked for."""
    got: list[Scenario] = []

    def fake_compute(scn: Scenario) -> dict[str, Any]:
        got.append(scn)
        return fake_data()

    monkeypatch.setattr(transient_api, "compute", fake_compute)
    return got
