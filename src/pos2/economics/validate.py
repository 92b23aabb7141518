"""Checks run before any economics work starts: clear errors instead of wrong numbers."""

from __future__ import annotations

import os
from typing import Any

from pos2.economics.contract import warmup_months
from pos2.errors import EconomicsError, ScenarioError
from pos2.scenario import Scenario
from pos2.twin.summary import TwinSummary

BYTES_PER_PATH_MONTH: int = 8 * 16
"""Working memory of one path-month inside a chunk: about 16 float64 arrays (normals, factors,
prices, cumulative sums, contract and alternative prices) [B]."""
BYTES_PER_PATH_RESULT: int = 8 * 8
"""Kept per path: NPV and IRR of three parties, mean price and volume [B]."""


def available_memory_bytes() -> int:
    """Memory available to new work (``MemAvailable`` of /proc/meminfo, else physical pages) [B]."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return 2**34


def monte_carlo_bytes(scenario: Scenario, paths: int, chunk_paths: int, workers: int) -> int:
    """Estimated peak memory of a Monte Carlo run [B]."""
    months = warmup_months(scenario) + 12 * scenario.model.contract.term_years
    per_chunk = min(paths, chunk_paths) * months * BYTES_PER_PATH_MONTH
    return per_chunk * max(1, workers) + paths * BYTES_PER_PATH_RESULT


def _bad(scenario: Scenario, key: str, value: Any, message: str) -> ScenarioError:
    """A :class:`ScenarioError` naming the file and line the value of ``key`` came from."""
    path, line = scenario.origin, None
    for s in scenario.sources:
        if s.key == key:
            path, line = s.path, s.line
            break
    return ScenarioError(message, path=path, line=line, field=key, value=value)


def check_scenario_inputs(scenario: Scenario) -> None:
    """The economics' rules across fields of a scenario (part of the pipeline's one gate).

    Parameters
    ----------
    scenario
        Scenario to check [-]

    Raises
    ------
    ScenarioError
        Naming the file, line, field and value of the first rule broken.
    """
    m = scenario.model
    money = {
        "finance": (m.finance.currency, m.finance.price_year),
        "costs": (m.costs.currency, m.costs.price_year),
        "prices": (m.prices.currency, m.prices.price_year),
    }
    cur, year = money["finance"]
    for name, (cur_i, y) in money.items():
        if cur_i != cur:
            raise _bad(
                scenario,
                f"{name}.currency",
                cur_i,
                f"inconsistent currencies: {name}.currency = {cur_i!r} but finance.currency = {cur!r}; "
                "convert the values to one currency",
            )
        if y != year:
            raise _bad(
                scenario,
                f"{name}.price_year",
                y,
                f"inconsistent price years: {name}.price_year = {y} but finance.price_year = {year}; "
                "deflate the values to one price year",
            )
    if cur != "USD":
        raise _bad(
            scenario,
            "finance.currency",
            cur,
            f"finance.currency = {cur!r}: the economics works in US dollars (every money key carries "
            "'usd' in its name); convert the values to USD at a stated exchange rate",
        )
    c = m.contract
    if c.price_limits == "floor_ceiling":
        if c.floor_usd_per_mmbtu < 0:
            raise _bad(
                scenario,
                "contract.floor_usd_per_mmbtu",
                c.floor_usd_per_mmbtu,
                f"contract.floor_usd_per_mmbtu = {c.floor_usd_per_mmbtu} is negative",
            )
        if c.floor_usd_per_mmbtu > c.ceiling_usd_per_mmbtu:
            raise _bad(
                scenario,
                "contract.floor_usd_per_mmbtu",
                c.floor_usd_per_mmbtu,
                f"contract.floor_usd_per_mmbtu = {c.floor_usd_per_mmbtu} is above "
                f"contract.ceiling_usd_per_mmbtu = {c.ceiling_usd_per_mmbtu}",
            )
    if c.price_limits == "s_curve" and c.s_curve_low_usd_per_bbl >= c.s_curve_high_usd_per_bbl:
        raise _bad(
            scenario,
            "contract.s_curve_low_usd_per_bbl",
            c.s_curve_low_usd_per_bbl,
            f"contract.s_curve_low_usd_per_bbl = {c.s_curve_low_usd_per_bbl} must be below "
            f"contract.s_curve_high_usd_per_bbl = {c.s_curve_high_usd_per_bbl}",
        )
    if not 0.0 <= c.take_or_pay <= 1.0:
        raise _bad(
            scenario,
            "contract.take_or_pay",
            c.take_or_pay,
            f"contract.take_or_pay = {c.take_or_pay} must lie in [0, 1] (a share, not %)",
        )
    if m.finance.china_mode == "loan" and m.finance.loan_repay_years > c.term_years:
        raise _bad(
            scenario,
            "finance.loan_repay_years",
            m.finance.loan_repay_years,
            f"finance.loan_repay_years = {m.finance.loan_repay_years} is longer than "
            f"contract.term_years = {c.term_years}",
        )


def check_inputs(
    scenario: Scenario,
    twin: TwinSummary | None = None,
    *,
    paths: int = 0,
    chunk_paths: int | None = None,
    workers: int = 1,
    memory_bytes: int | None = None,
) -> None:
    """Raise for inconsistent inputs (before any work starts).

    Runs :func:`check_scenario_inputs` (a :class:`ScenarioError` naming the file, line, field and value)
    and the checks of a run: the contract against the twin's throughput and the memory a Monte Carlo
    run needs (:class:`EconomicsError`).

    Parameters
    ----------
    scenario
        Scenario to check [-]
    twin
        Twin summary (checked against the contract), if available [-]
    paths
        Monte Carlo paths requested (0: deterministic only) [-].
    chunk_paths
        Paths per chunk (default ``montecarlo.chunk_paths``) [-].
    workers
        Chunks held in memory at once [-].
    memory_bytes
        Memory budget (default: the memory available now) [B].
    """
    check_scenario_inputs(scenario)
    m = scenario.model
    c = m.contract
    if twin is not None and c.acq_bcm_per_year > twin.throughput_bcm_per_year * (1 + 1e-9):
        raise EconomicsError(
            f"contract.acq_bcm_per_year = {c.acq_bcm_per_year} exceeds the pipeline throughput "
            f"{twin.throughput_bcm_per_year} bcm/yr (pipeline.throughput_bcm_per_year)"
        )
    if paths < 0:
        raise EconomicsError(f"paths = {paths} must be >= 0")
    if paths:
        chunk = chunk_paths or m.montecarlo.chunk_paths
        need = monte_carlo_bytes(scenario, paths, chunk, workers)
        have = memory_bytes if memory_bytes is not None else available_memory_bytes()
        if need > have:
            raise EconomicsError(
                f"a Monte Carlo run of {paths:,} paths needs about {need / 2**20:,.0f} MiB but only "
                f"{have / 2**20:,.0f} MiB are available; use fewer paths or a smaller "
                "montecarlo.chunk_paths, or run on a Dask cluster (--scheduler)"
            )
