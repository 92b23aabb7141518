"""Power of Siberia 1 calibration: what the twin needs at 38, 44 and 61 bcm/yr vs the published facts.

Nothing is tuned: the pos1 scenario holds only published pipe data (1,420 x 21.7 mm K60, 9.8 MPa(g),
2,156.1 + 803.5 km, 8 + 1 stations) and the same engineering assumptions as pos2 (coated-pipe
roughness, compressor and driver efficiencies, max ratio 1.6, ground temperatures). The comparison
rows state the published value and its source; differences are explained in docs/twin.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from pos2.errors import ConvergenceError, GasError, InfeasibleError
from pos2.scenario import Scenario, load_scenario
from pos2.twin.analysis import capacity, design_section
from pos2.twin.network import ChainOptions
from pos2.twin.results import TwinResult
from pos2.twin.solve import solve_chain

PUBLISHED_PHASE1_STATIONS = 8
"""CS on Chayanda-Blagoveshchensk after phase 1 (CS Zeya + 7 CS) [-] (pos2_facts.md §1e, H)."""
PUBLISHED_PHASE1_MW = 128.0 + 481.0
"""Installed power of phase 1 [MW]: CS Zeya 128 MW + 7 CS 481 MW (pos2_facts.md §1e, H)."""
PUBLISHED_KOVYKTA_MW = 48.0
"""Installed power of the Kovykta link's single CS [MW] (eng §1c, Markelov 2018, H)."""
PUBLISHED_FULL_MW = 1200.0
"""Full development: 9 CS of more than 1,200 MW (pos2_facts.md §1e, H); phases sum to 1,234 MW."""
PUBLISHED_PHASE3_MW = 577.0
"""Phase 3 (looping) power [MW] (eng §1c, H)."""
PUBLISHED_LOOP_KM = (1491.45, 491.45)
"""Phase-3 loop on Chayanda-Blagoveshchensk [km]: DISAGREE, 1,491.45 (1prime.ru copy) vs 491.45 (fact
sheet); eng §1c thinks the longer one is right."""
PUBLISHED_MAX_BCM = 61.0
"""Maximum throughput of the full system [bcm/yr] (pos2_facts.md §1e, M)."""
SRC_PHASE1 = "pos2_facts.md §1e (Markelov 2018: CS Zeya 128 MW + 7 CS 481 MW by 2022)"
SRC_FULL = "pos2_facts.md §1e (9 CS > 1,200 MW full development; 61 bcm/yr maximum)"


@dataclass(frozen=True)
class CalibrationResult:
    """PoS1 calibration: comparison rows and the runs behind them."""

    rows: tuple[dict[str, Any], ...]
    """``{quantity, model, published, source, note}`` (the ``--json`` ``calibration`` list)."""
    runs: pd.DataFrame
    """Per throughput: published-configuration run and the design the model needs."""

    def table(self) -> pd.DataFrame:
        """The comparison rows as a table."""
        return pd.DataFrame(list(self.rows))


def _main_line(scn: Scenario) -> ChainOptions:
    """The main line alone, fed at Chayanda at the head pressure (field gas + Kovykta gas both enter
    the Chayandinskaya booster station; the Kovykta link is not part of the 38/44/61 comparisons)."""
    m = scn.model
    return ChainOptions(section=m.route.downstream.name, inlet_pressure_mpa=m.pipeline.head_pressure_mpa)


def _run(scn: Scenario, q: float) -> tuple[TwinResult | None, str]:
    try:
        res = solve_chain(scn, q, _main_line(scn))
    except (InfeasibleError, ConvergenceError, GasError) as e:
        text = str(e)
        return None, f"cannot carry it (pressure collapses; {type(e).__name__}: {text[:140]})"
    v = res.violations
    return res, ("feasible" if not v else f"{len(v)} limit(s) broken, first: {v[0].message()}")


def full_development(scenario: Scenario, loop_km: float = PUBLISHED_LOOP_KM[0]) -> Scenario:
    """The pos1 scenario at full development: phase-3 loop and the published >1,200 MW.

    The published total (1,234 MW incl. Kovykta's 48 MW) over the 8 main-line stations is ~148 MW per
    station, i.e. 6 units of 25 MW; the twin gives every station that many.

    Parameters
    ----------
    scenario
        The pos1 scenario [-]
    loop_km
        Length of the phase-3 loop on Chayanda-Blagoveshchensk [km]
    """
    per_station = (PUBLISHED_PHASE1_MW + PUBLISHED_PHASE3_MW) / PUBLISHED_PHASE1_STATIONS
    units = round(per_station / scenario.model.stations.unit_power_mw)
    return scenario.with_overrides(
        {"route.downstream.loop_length_km": loop_km, "stations.units_per_station": units}
    )


def calibrate_pos1(
    scenario: Scenario | None = None, throughputs_bcm_per_year: tuple[float, ...] = (38.0, 44.0, 61.0)
) -> CalibrationResult:
    """What the twin needs to carry PoS1's throughputs, compared with the published facts.

    Parameters
    ----------
    scenario
        The pos1 scenario (default: the embedded one) [-]
    throughputs_bcm_per_year
        Throughputs to evaluate [bcm/yr]: contract 38, contract from 2031 44, maximum 61.
    """
    scn = scenario or load_scenario("pos1")
    m = scn.model
    main = m.route.downstream
    rows: list[dict[str, Any]] = []
    runs = []
    full = full_development(scn)
    for q in throughputs_bcm_per_year:
        res, status = _run(scn, q)
        d = design_section(scn, "downstream", q)
        fres, fstatus = _run(full, q)
        runs.append(
            {
                "throughput_bcm_per_year": q,
                "phase1_status": status,
                "phase1_max_ratio": float(res.stations["ratio"].max()) if res else math.nan,
                "phase1_power_mw": res.summary.total_power_mw if res else math.nan,
                "phase1_fuel_share": res.summary.fuel_share if res else math.nan,
                "stations_needed_no_loop": d.stations if d.feasible else math.nan,
                "spacing_km": d.spacing_km,
                "design_power_mw": d.total_power_mw,
                "design_max_station_mw": d.max_station_power_mw,
                "full_development_status": fstatus,
                "full_development_power_mw": fres.summary.total_power_mw if fres else math.nan,
                "full_development_max_ratio": float(fres.stations["ratio"].max()) if fres else math.nan,
            }
        )
        tag = f"at {q:g} bcm/yr"
        rows.append(
            {
                "quantity": f"stations needed on Chayanda-Blagoveshchensk {tag} (no loop, ratio <= "
                f"{m.stations.max_ratio:g})",
                "model": d.stations if d.feasible else None,
                "published": PUBLISHED_PHASE1_STATIONS if q <= 38.0 else None,
                "source": SRC_PHASE1 if q <= 38.0 else "not published (GAP)",
                "note": "" if d.feasible else f"infeasible: {d.binding.message() if d.binding else ''}",
            }
        )
        rows.append(
            {
                "quantity": f"mean station spacing {tag} [km]",
                "model": round(d.spacing_km, 1) if d.feasible else None,
                "published": round(main.length_km / PUBLISHED_PHASE1_STATIONS, 1) if q <= 38.0 else None,
                "source": "INF: 2,156.1 km / 8 CS (pos2_facts.md §1e)" if q <= 38.0 else "not published",
                "note": "",
            }
        )
        rows.append(
            {
                "quantity": f"largest station pressure ratio {tag}, phase-1 main line (8 CS, no loop)",
                "model": round(float(res.stations["ratio"].max()), 3) if res else None,
                "published": "1.4-1.6",
                "source": "eng §1c (typical ratio on 9.8 MPa lines, INF; no published PoS1 value)",
                "note": status,
            }
        )
        rows.append(
            {
                "quantity": f"compressor shaft power {tag}, phase-1 main line (8 CS) [MW]",
                "model": round(res.summary.total_power_mw, 1) if res else None,
                "published": PUBLISHED_PHASE1_MW,
                "source": SRC_PHASE1,
                "note": "published = installed (incl. standby units); the model gives the shaft power used"
                + (f"; {status}" if res is not None and res.violations else ""),
            }
        )
        rows.append(
            {
                "quantity": f"compressor shaft power {tag}, full-development main line (8 CS, loop "
                f"{PUBLISHED_LOOP_KM[0]:g} km) [MW]",
                "model": round(fres.summary.total_power_mw, 1) if fres else None,
                "published": PUBLISHED_PHASE1_MW + PUBLISHED_PHASE3_MW,
                "source": SRC_FULL + "; eng §1c (phases: 128 + 481 + 577 MW on the main line)",
                "note": fstatus,
            }
        )
        rows.append(
            {
                "quantity": f"fuel gas share {tag}, phase-1 main line",
                "model": round(res.summary.fuel_share, 4) if res else None,
                "published": None,
                "source": "not published for PoS1 (eng §1d: Gazprom transmission fuel ~2.4 % per "
                "1,000 km, INF)",
                "note": "",
            }
        )
    cap1 = capacity(scn, options=_main_line(scn), tol_bcm_per_year=0.1)
    rows.append(
        {
            "quantity": "capacity of the phase-1 main line (8 CS of 75 MW, no loop) [bcm/yr]",
            "model": round(cap1.throughput_bcm_per_year, 1),
            "published": 38.0,
            "source": "pos2_facts.md §1e (design/contract 38 bcm/yr; daily records up to +18.7 %, eng §1d)",
            "note": f"binding: {cap1.binding_text()}",
        }
    )
    for loop in PUBLISHED_LOOP_KM:
        full_l = full_development(scn, loop)
        capf = capacity(full_l, options=_main_line(full_l), tol_bcm_per_year=0.1)
        rows.append(
            {
                "quantity": f"capacity of the full-development main line (8 CS of ~150 MW, loop {loop:g} km) "
                "[bcm/yr]",
                "model": round(capf.throughput_bcm_per_year, 1),
                "published": PUBLISHED_MAX_BCM,
                "source": SRC_FULL + "; loop length DISAGREE 1,491.45 / 491.45 km (eng §1c)",
                "note": f"binding: {capf.binding_text()}",
            }
        )
    return CalibrationResult(tuple(rows), pd.DataFrame(runs))
