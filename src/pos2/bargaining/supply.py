"""China's least-cost gas supply by year: a linear programme (linopy + HiGHS).

For every year of the horizon China meets its demand from its sources (domestic production, Power of
Siberia 1, the Far Eastern route, Central Asia lines A/B/C and D, Myanmar, LNG in three groups and a
backstop of fuel switching or demand cuts) at least cost. Each source has a capacity and a delivered
cost to China's demand centres::

    cost [USD/1,000 m3] = fixed + 32.06 * (brent_slope * Brent + lng_weight * LNG deck)

The programme is solved in one go for all *decks* (price assumptions, e.g. one per negotiation round),
both *cases* (without PoS2; with PoS2 flowing at its contract volumes) and both *states* of the Strait
of Hormuz (open; closed: the Hormuz-dependent LNG group is lost and spot LNG costs the closure price).
The blocks are independent, so one LP is the same as many small ones but pays linopy's model-building
overhead once.

China's value of PoS2 in a year is the supply cost it avoids (without minus with, PoS2 purchases
excluded) per 1,000 m3 of PoS2 gas; the expectation over the Hormuz states weights the closed state by
the expected share of the year closed (probability x months / 12). The cost saving is the value with the
strait open; the security value is the rest.

References
----------
Dantzig, G. B. (1963). *Linear Programming and Extensions*. Princeton University Press (the
least-cost dispatch is a transportation-type LP). Huangfu, Q. and Hall, J. A. J. (2018). Parallelizing
the dual revised simplex method. *Math. Prog. Comp.* 10, 119-142 (HiGHS).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import xarray as xr

from pos2.errors import BargainingError, InfeasibleError
from pos2.scenario.sections_deal import DemandSection, SourceSection, SupplySection

SOURCES: tuple[str, ...] = (
    "domestic",
    "pos1",
    "far_eastern",
    "central_asia",
    "line_d",
    "myanmar",
    "lng_term",
    "lng_hormuz",
    "lng_spot",
    "backstop",
)
"""The supply sources of :class:`~pos2.scenario.sections_deal.SupplySection`, in merit-order-free order."""

STATES: tuple[str, ...] = ("open", "closed")
CASES: tuple[str, ...] = ("without", "with")


@dataclass(frozen=True)
class Deck:
    """One price assumption for the supply LP.

    Parameters
    ----------
    name
        Label of the deck (``"scenario"`` or a round's date).
    brent_usd_per_bbl
        Brent level, flat over the horizon [USD/bbl].
    lng_usd_per_mmbtu
        Spot LNG price per year of the horizon (one value or one per year) [USD/MMBtu].
    closure_weight
        Expected share of a year with the strait closed (probability x months / 12) [-].
    closure_lng_usd_per_mmbtu
        Spot LNG price in the closed state [USD/MMBtu].
    """

    name: str
    brent_usd_per_bbl: float
    lng_usd_per_mmbtu: float | tuple[float, ...]
    closure_weight: float
    closure_lng_usd_per_mmbtu: float

    def lng_path(self, n_years: int) -> np.ndarray:
        """Spot LNG price for each of ``n_years`` years [USD/MMBtu]."""
        if isinstance(self.lng_usd_per_mmbtu, tuple):
            if len(self.lng_usd_per_mmbtu) != n_years:
                raise BargainingError(
                    f"deck '{self.name}': LNG path has {len(self.lng_usd_per_mmbtu)} years, "
                    f"expected {n_years}"
                )
            return np.asarray(self.lng_usd_per_mmbtu, dtype=float)
        return np.full(n_years, float(self.lng_usd_per_mmbtu))


@dataclass(frozen=True)
class SupplyResult:
    """China's supply LP solved for several decks.

    ``years`` and ``decks`` label the tables; ``value`` is a tidy table with one row per (deck, year):
    ``pos2_bcm_per_year``, ``avoided_open_musd``, ``avoided_closed_musd`` (avoided supply cost
    [million USD]), ``value_open_usd_per_kcm``, ``value_closed_usd_per_kcm``,
    ``value_expected_usd_per_kcm`` (China's value of PoS2 gas at its demand centres),
    ``cost_saving_usd_per_kcm``, ``security_value_usd_per_kcm`` and ``max_price_usd_per_kcm``
    (highest acceptable border price = expected value less internal transport),
    ``marginal_cost_open_usd_per_kcm`` (without PoS2). ``dispatch`` holds the flows [bcm/yr] by deck,
    case, state, year and source.
    """

    years: tuple[int, ...]
    decks: tuple[str, ...]
    value: pd.DataFrame
    dispatch: xr.DataArray
    solve_seconds: float
    settings: dict[str, object] = field(default_factory=dict)
    _china_values: dict[tuple[str, float, int], dict[str, float]] = field(
        default_factory=dict, compare=False, repr=False
    )
    """Memo of :func:`china_max_price` on this solution (filled on first use)."""


@contextlib.contextmanager
def _silence_stdout_fd() -> Iterator[None]:
    """Send C-level writes to file descriptor 1 to /dev/null (HiGHS prints a banner on stdout).

    ``pos2 deal --json`` must print nothing but its JSON object on stdout.
    """
    try:
        sys.stdout.flush()
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # no real stdout (captured in tests)
        yield
        return
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), fd)
            yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, fd)
        os.close(saved)


def demand_path(demand: DemandSection, years: Sequence[int]) -> np.ndarray:
    """China's gas demand per year [bcm/yr]: compound growth from the base, capped at the peak.

    Parameters
    ----------
    demand
        Demand section of the scenario [-].
    years
        Calendar years [yr].
    """
    t = np.asarray(years, dtype=float) - demand.base_year
    path = demand.base_bcm_per_year * (1.0 + demand.growth_per_year) ** t
    return np.minimum(path, max(demand.peak_bcm_per_year, demand.base_bcm_per_year))


def capacity_path(src: SourceSection, years: Sequence[int]) -> np.ndarray:
    """Capacity of one source per year [bcm/yr] (start, growth to a ceiling, one expansion step).

    Parameters
    ----------
    src
        The source's section [-].
    years
        Calendar years [yr].
    """
    y = np.asarray(years, dtype=int)
    if not src.enabled:
        return np.zeros(len(y))
    cap = src.capacity_bcm_per_year + src.growth_bcm_per_year * np.maximum(y - src.start_year, 0)
    cap = np.clip(cap, 0.0, max(src.max_capacity_bcm_per_year, src.capacity_bcm_per_year))
    if src.expanded_bcm_per_year > 0:
        cap = np.where(y >= src.expansion_year, np.maximum(cap, src.expanded_bcm_per_year), cap)
    return np.where(y >= src.start_year, cap, 0.0)


def source_cost(src: SourceSection, brent_usd_per_bbl: float, lng_usd_per_mmbtu: np.ndarray) -> np.ndarray:
    """Delivered cost of a source per year [USD/1,000 m3].

    Parameters
    ----------
    src
        The source's section [-].
    brent_usd_per_bbl
        Brent level [USD/bbl].
    lng_usd_per_mmbtu
        Spot LNG price per year [USD/MMBtu].
    """
    per_mmbtu = src.brent_slope * brent_usd_per_bbl + src.lng_weight * np.asarray(lng_usd_per_mmbtu)
    return src.fixed_usd_per_kcm + src.mmbtu_per_kcm * per_mmbtu


def pos2_volume_path(
    years: Sequence[int], acq_bcm_per_year: float, first_gas_year: int, ramp_years: int
) -> np.ndarray:
    """PoS2 flows per year [bcm/yr]: a linear ramp to the contract quantity from first gas.

    Parameters
    ----------
    years
        Calendar years [yr].
    acq_bcm_per_year
        Annual contract quantity [bcm/yr].
    first_gas_year
        First year of deliveries [yr].
    ramp_years
        Years to reach the plateau (0: plateau at once) [yr].
    """
    k = np.asarray(years, dtype=float) - first_gas_year
    share = np.ones_like(k) if ramp_years <= 0 else np.minimum(1.0, (k + 1.0) / ramp_years)
    return np.where(k >= 0, acq_bcm_per_year * share, 0.0)


def _check_capacity(
    caps: np.ndarray, net: np.ndarray, years: Sequence[int], names: Sequence[str], deck: str
) -> None:
    """Raise with the year and shortfall when demand exceeds all capacity (caps: state x year x source)."""
    total = caps.sum(axis=-1)  # state x year
    for s, state in enumerate(STATES):
        for c, case in enumerate(CASES):
            short = net[c] - total[s]
            bad = np.flatnonzero(short > 1e-9)
            if bad.size:
                i = int(bad[0])
                backstop = "backstop" in names and caps[s, i, list(names).index("backstop")] > 0
                hint = (
                    "" if backstop else " (the backstop is disabled: enable supply.backstop or add capacity)"
                )
                raise InfeasibleError(
                    f"China's supply LP is infeasible in {years[i]} (deck '{deck}', Hormuz {state}, "
                    f"{case} PoS2): demand {net[c, i]:.1f} bcm/yr exceeds capacity {total[s, i]:.1f} "
                    f"bcm/yr, shortfall {short[i]:.1f} bcm/yr{hint}",
                    element="supply",
                    constraint=f"balance[{years[i]}]",
                    value=float(short[i]),
                )


def solve_supply(
    supply: SupplySection,
    demand_bcm_per_year: np.ndarray,
    pos2_bcm_per_year: np.ndarray,
    decks: Sequence[Deck],
    *,
    discount_rate: float = 0.0,
) -> SupplyResult:
    """Solve China's least-cost supply for all decks, with and without PoS2, open and closed strait.

    Parameters
    ----------
    supply
        Supply section (sources, horizon) [-].
    demand_bcm_per_year
        Demand per year of the horizon [bcm/yr].
    pos2_bcm_per_year
        PoS2 flows per year in the "with" case, one path for all decks or one row per deck [bcm/yr].
    decks
        Price decks to solve for [-].
    discount_rate
        Unused by the LP itself; recorded in the settings [1/yr].

    Returns
    -------
    SupplyResult
        Values of PoS2 per deck and year and the dispatch.

    Raises
    ------
    InfeasibleError
        When demand exceeds the capacity of all sources in some year (with year and shortfall).
    """
    import time

    import linopy

    years = tuple(range(supply.first_year, supply.last_year + 1))
    n = len(years)
    if supply.last_year < supply.first_year:
        raise BargainingError(
            f"supply.last_year {supply.last_year} is before supply.first_year {supply.first_year}"
        )
    demand = np.asarray(demand_bcm_per_year, dtype=float)
    if not decks:
        raise BargainingError("solve_supply needs at least one deck")
    pos2_all = np.asarray(pos2_bcm_per_year, dtype=float)
    if pos2_all.ndim == 1:
        pos2_all = np.broadcast_to(pos2_all, (len(decks), pos2_all.shape[0]))
    if demand.shape != (n,) or pos2_all.shape != (len(decks), n):
        raise BargainingError(
            f"demand and PoS2 paths need {n} values (years {years[0]}-{years[-1]}) per deck"
        )
    srcs = {name: getattr(supply, name) for name in SOURCES}
    cap_open = np.stack([capacity_path(srcs[s], years) for s in SOURCES], axis=-1)  # year x source
    hormuz = np.array([srcs[s].hormuz_dependent for s in SOURCES])
    cap_closed = np.where(hormuz[None, :], 0.0, cap_open)
    caps = np.stack([cap_open, cap_closed])  # state x year x source
    nets = np.stack([np.stack([demand, demand - p2]) for p2 in pos2_all])  # deck x case x year
    if np.any(nets < -1e-9):
        k, _, i = (int(a[0]) for a in np.nonzero(nets < -1e-9))
        raise BargainingError(
            f"PoS2 flow {pos2_all[k, i]:.1f} bcm/yr exceeds China's demand {demand[i]:.1f} in {years[i]}"
        )
    deck_names = tuple(d.name for d in decks)
    if len(set(deck_names)) != len(deck_names):
        raise BargainingError(f"deck names must be unique: {deck_names}")
    cost = np.empty((len(decks), 2, n, len(SOURCES)))  # deck x state x year x source
    for k, d in enumerate(decks):
        _check_capacity(caps, nets[k], years, SOURCES, d.name)
        lng_open = d.lng_path(n)
        lng_closed = np.full(n, d.closure_lng_usd_per_mmbtu)
        for j, s in enumerate(SOURCES):
            cost[k, 0, :, j] = source_cost(srcs[s], d.brent_usd_per_bbl, lng_open)
            cost[k, 1, :, j] = source_cost(srcs[s], d.brent_usd_per_bbl, lng_closed)

    coords = {
        "deck": list(deck_names),
        "case": list(CASES),
        "state": list(STATES),
        "year": list(years),
        "source": list(SOURCES),
    }
    upper = xr.DataArray(
        np.broadcast_to(caps[None, None], (len(decks), 2, 2, n, len(SOURCES))).copy(),
        coords=coords,
        dims=list(coords),
    )
    cost_da = xr.DataArray(
        np.broadcast_to(cost[:, None], (len(decks), 2, 2, n, len(SOURCES))).copy(),
        coords=coords,
        dims=list(coords),
    )
    net_da = xr.DataArray(
        np.broadcast_to(nets[:, :, None, :], (len(decks), 2, 2, n)).copy(),
        coords={k: v for k, v in coords.items() if k != "source"},
        dims=["deck", "case", "state", "year"],
    )
    t0 = time.perf_counter()
    m = linopy.Model()
    x = m.add_variables(lower=0.0, upper=upper, name="flow_bcm_per_year")
    m.add_constraints(x.sum("source") == net_da, name="balance")
    m.add_objective((cost_da * x).sum())
    with _silence_stdout_fd():
        status, condition = m.solve(
            solver_name="highs", progress=False, output_flag=False, log_to_console=False
        )
    seconds = time.perf_counter() - t0
    if status != "ok":
        raise InfeasibleError(
            f"China's supply LP failed: status {status}, condition {condition}",
            element="supply",
            constraint="LP",
        )
    flows = x.solution.transpose("deck", "case", "state", "year", "source")
    duals = m.constraints["balance"].dual.transpose("deck", "case", "state", "year").to_numpy()
    spend = (flows.to_numpy() * cost_da.to_numpy()).sum(axis=-1)  # million USD (bcm x USD/kcm)

    rows: list[dict[str, float | int | str]] = []
    for k, d in enumerate(decks):
        for i, y in enumerate(years):
            q = float(pos2_all[k, i])
            av_open = float(spend[k, 0, 0, i] - spend[k, 1, 0, i])
            av_closed = float(spend[k, 0, 1, i] - spend[k, 1, 1, i])
            rows.append(
                {
                    "deck": d.name,
                    "year": y,
                    "demand_bcm_per_year": float(demand[i]),
                    "pos2_bcm_per_year": q,
                    "avoided_open_musd": av_open,
                    "avoided_closed_musd": av_closed,
                    "value_open_usd_per_kcm": av_open / q if q > 0 else float("nan"),
                    "value_closed_usd_per_kcm": av_closed / q if q > 0 else float("nan"),
                    "marginal_cost_open_usd_per_kcm": float(duals[k, 0, 0, i]),
                    "marginal_cost_closed_usd_per_kcm": float(duals[k, 0, 1, i]),
                }
            )
    solved = SupplyResult(
        years=years,
        decks=deck_names,
        value=pd.DataFrame(rows),
        dispatch=flows.copy(),
        solve_seconds=seconds,
        settings={"solver": "highs", "discount_rate": discount_rate, "n_variables": int(flows.size)},
    )
    return with_closure_weights(solved, decks, supply)


VALUE_COLUMNS: tuple[str, ...] = (
    "deck",
    "year",
    "demand_bcm_per_year",
    "pos2_bcm_per_year",
    "avoided_open_musd",
    "avoided_closed_musd",
    "value_open_usd_per_kcm",
    "value_closed_usd_per_kcm",
    "value_expected_usd_per_kcm",
    "cost_saving_usd_per_kcm",
    "security_value_usd_per_kcm",
    "max_price_usd_per_kcm",
    "marginal_cost_open_usd_per_kcm",
    "marginal_cost_closed_usd_per_kcm",
    "closure_weight",
)
"""Columns of :attr:`SupplyResult.value`, in order."""


def with_closure_weights(result: SupplyResult, decks: Sequence[Deck], supply: SupplySection) -> SupplyResult:
    """The LP solution ``result`` valued with the decks' closure weights.

    The LP solves the open and the closed strait as two states and never reads a deck's
    ``closure_weight``: the expected value ``(1 - w) v_open + w v_closed`` (and the security value and
    the highest price built on it) are formed here, so a Hormuz probability or duration lever, which only
    moves the weight, re-uses a solution (:func:`pos2.bargaining.deal.solve_china`) — the same numbers
    as solving again.

    Parameters
    ----------
    result
        A solution of :func:`solve_supply` for decks with these names, in this order [-].
    decks
        The decks with their closure weights [-].
    supply
        The supply section (the fixed cost of PoS2 gas inside China) [-].
    """
    names = tuple(d.name for d in decks)
    if names != result.decks:
        raise BargainingError(f"decks {names} do not match the solved decks {result.decks}")
    v = result.value
    n = len(result.years)
    w = np.repeat([float(np.clip(d.closure_weight, 0.0, 1.0)) for d in decks], n)
    v_open = v["value_open_usd_per_kcm"].to_numpy()
    v_exp = (1 - w) * v_open + w * v["value_closed_usd_per_kcm"].to_numpy()
    out = v.assign(
        value_expected_usd_per_kcm=v_exp,
        cost_saving_usd_per_kcm=v_open - supply.pos2_fixed_usd_per_kcm,
        security_value_usd_per_kcm=v_exp - v_open,
        max_price_usd_per_kcm=v_exp - supply.pos2_fixed_usd_per_kcm,
        closure_weight=w,
    )[list(VALUE_COLUMNS)]
    return replace(result, value=out, _china_values={})


def china_max_price(
    result: SupplyResult, deck: str, discount_rate: float, base_year: int
) -> dict[str, float]:
    """China's highest acceptable PoS2 border price for one deck, as a volume- and time-weighted mean.

    ``sum_t d_t * q_t * v_t / sum_t d_t * q_t`` with ``d_t = (1 + r)^-(t - base_year)``, for the
    expected value, the open-strait cost saving and the security value.

    Parameters
    ----------
    result
        Solved supply LP [-].
    deck
        Deck name [-].
    discount_rate
        China's discount rate [1/yr].
    base_year
        Year discounted to [yr].

    Returns
    -------
    dict
        ``max_price_usd_per_kcm``, ``cost_saving_usd_per_kcm``, ``security_value_usd_per_kcm``
        [USD/1,000 m3].
    """
    if discount_rate < 0:
        raise BargainingError(f"discount rate must be >= 0, got {discount_rate}")
    v = result.value[(result.value["deck"] == deck) & (result.value["pos2_bcm_per_year"] > 0)]
    if v.empty:
        raise BargainingError(f"deck '{deck}': PoS2 delivers nothing inside the supply horizon")
    d = (1.0 + discount_rate) ** -(v["year"].to_numpy(dtype=float) - base_year)
    wq = d * v["pos2_bcm_per_year"].to_numpy()
    out = {}
    for key in ("max_price_usd_per_kcm", "cost_saving_usd_per_kcm", "security_value_usd_per_kcm"):
        out[key] = float(np.sum(wq * v[key].to_numpy()) / np.sum(wq))
    return out
