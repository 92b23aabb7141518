"""The compressor-station trade-off, computed by running the twin at several station counts.

More stations on a section: more station capex and installed MW, but each station works at a
lower pressure ratio; fewer stations: less capex but more power per station and, past a point, an
infeasible line. For every count the twin is solved (``route.<which>.station_count`` evenly
spaced), and the costs come from the twin's own stations and fuel — nothing is assumed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from pos2.economics.costs import capex
from pos2.economics.tariff import levelized_tariff
from pos2.errors import ConvergenceError, GasError, InfeasibleError
from pos2.scenario import Scenario
from pos2.twin import run_twin as _run_twin
from pos2.twin.summary import TwinSummary


def default_twin_runner(check: bool = False) -> Callable[[Scenario], TwinSummary]:
    """The twin's ``run_twin(scenario, check=check).summary``.

    With ``check`` a twin that breaks a station limit (pressure ratio, installed power) or the
    delivery pressure raises :class:`InfeasibleError` (the station trade-off: such a count is not
    feasible); without it the broken limits are only listed, as ``pos2 twin`` does.
    """

    def run(scenario: Scenario) -> TwinSummary:
        summary: TwinSummary = _run_twin(scenario, check=check).summary
        return summary

    return run


def station_tradeoff(
    scenario: Scenario,
    counts: Sequence[int],
    *,
    which: str = "upstream",
    run_twin: Callable[[Scenario], TwinSummary] | None = None,
) -> pd.DataFrame:
    """Capex, power, fuel and tariff against the number of stations on one section.

    Parameters
    ----------
    scenario
        Scenario (the twin's ``route`` section sets the line; ``costs`` the coefficients) [-]
    counts
        Station counts to try on the section [-].
    which
        ``upstream`` (Russian section) or ``downstream`` (Mongolian section) [-].
    run_twin
        Scenario -> TwinSummary (default: the twin); injectable for tests [-]

    Returns
    -------
    pandas.DataFrame
        One row per count: ``stations``, ``feasible``, ``binding`` (why not), ``total_power_mw``,
        ``installed_mw``, ``fuel_bcm_per_year``, ``station_capex_usd_bn``, ``other_capex_usd_bn``
        (line pipe, construction, owner's costs), ``capex_usd_bn``, ``tariff_usd_per_kcm``.
    """
    runner = run_twin or default_twin_runner(check=True)
    rows: list[dict[str, Any]] = []
    for n in counts:
        scn = scenario.with_overrides(
            {
                f"route.{which}.station_count": int(n),
                f"route.{which}.station_chainages_km": [],
                f"route.{which}.station_names": [],
            }
        )
        row: dict[str, Any] = {"stations": int(n), "section": which}
        try:
            twin = runner(scn)
        except (InfeasibleError, ConvergenceError, GasError) as e:
            rows.append({**row, "feasible": False, "binding": str(e)})
            continue
        cost = capex(scn, twin)
        t = cost.table
        st = t[t["item"] == "compressor station"]["capex_usd"].sum()
        tariff = levelized_tariff(scn, twin, cost=cost)
        rows.append(
            {
                **row,
                "feasible": True,
                "binding": "",
                "total_power_mw": twin.total_power_mw,
                "installed_mw": sum(s.installed_mw or s.power_mw for s in twin.stations),
                "fuel_bcm_per_year": twin.fuel_bcm_per_year,
                "station_capex_usd_bn": st / 1e9,
                "other_capex_usd_bn": (cost.total_usd - st) / 1e9,
                "capex_usd_bn": cost.total_usd / 1e9,
                "tariff_usd_per_kcm": tariff.total_usd_per_kcm,
            }
        )
    return pd.DataFrame(rows)
