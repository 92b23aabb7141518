"""The supply stack's oracle: China's dispatch with contracts as a linear programme (linopy + HiGHS).

The physical formulation, written independently of the merit-order blocks of
:mod:`pos2.bargaining.stack`: for every path ``p``, year ``t`` and contract ``k``

* lifted volume ``0 <= L_k <= V_k``, consumed ``C_k >= 0``, resold ``S_k >= 0`` (``S_k = 0`` for a
  destination-locked contract), ``C_k + S_k = L_k``;
* paid volume ``Y_k >= tau_k V_k`` and ``Y_k >= L_k`` (take-or-pay);
* domestic ``x_d``, spot LNG ``x_s`` and backstop ``x_b`` within their capacities;
* balance ``sum_k C_k + x_d + x_s + x_b = net demand``;

minimising ``sum_k (P_k Y_k + fee_k V_k + f_k C_k - R S_k) + c_d x_d + c_s x_s + c_b x_b``.
The stack's least cost (:meth:`pos2.bargaining.stack.SupplyCurve.cost_musd`) must equal this
programme's optimum; the tests check it on random instances.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from pos2.bargaining.portfolio import Portfolio
from pos2.bargaining.stack import (
    Market,
    StackSettings,
    _contract_terms,
    contract_volumes_bcm,
    regas_capacity_bcm,
)
from pos2.bargaining.supply import _silence_stdout_fd
from pos2.errors import InfeasibleError


def lp_supply_cost_musd(
    portfolio: Portfolio, market: Market, settings: StackSettings, net_demand_bcm: np.ndarray
) -> np.ndarray:
    """China's least supply cost per path-year from the physical LP, shape (paths, years) [million USD].

    Parameters
    ----------
    portfolio
        China's contracts [-].
    market
        Prices, volumes and regimes per path-year [-].
    settings
        Stack inputs (costs of domestic gas, spot LNG, backstop; portfolio mode) [-].
    net_demand_bcm
        Demand to be met, (paths, years) [bcm/yr].
    """
    import linopy

    n, ny = market.shape
    vol = contract_volumes_bcm(portfolio, market)
    price = portfolio.variable_usd_per_kcm(market.brent_usd_per_bbl, market.hh_usd_per_mmbtu)
    tau, div, diversion = _contract_terms(portfolio, settings)
    resale = (market.jkm_usd_per_mmbtu[..., None] - diversion) * portfolio.mmbtu_per_kcm
    coords_k = {"path": np.arange(n), "year": np.arange(ny), "contract": np.arange(portfolio.n)}
    coords = {"path": np.arange(n), "year": np.arange(ny)}
    dims_k = list(coords_k)
    dims = list(coords)

    def da_k(a: np.ndarray) -> xr.DataArray:
        return xr.DataArray(np.broadcast_to(a, (n, ny, portfolio.n)).copy(), coords=coords_k, dims=dims_k)

    def da(a: np.ndarray) -> xr.DataArray:
        return xr.DataArray(np.broadcast_to(a, (n, ny)).copy(), coords=coords, dims=dims)

    m = linopy.Model()
    zero_k = da_k(np.zeros((n, ny, portfolio.n)))
    lift = m.add_variables(lower=0.0, upper=da_k(vol), name="lift")
    cons = m.add_variables(lower=zero_k, upper=zero_k + np.inf, name="consume")
    resell = m.add_variables(
        lower=0.0, upper=da_k(np.where(div, np.inf, 0.0) * np.ones_like(vol)), name="resell"
    )
    paid = m.add_variables(lower=da_k(tau * vol), upper=zero_k + np.inf, name="paid")
    regas = regas_capacity_bcm(settings, market.years)[None, :] - (vol * portfolio.lng).sum(-1)
    dom = m.add_variables(lower=0.0, upper=da(market.domestic_bcm), name="domestic")
    spot = m.add_variables(lower=0.0, upper=da(np.maximum(regas, 0.0)), name="spot")
    back = m.add_variables(
        lower=0.0, upper=da(np.full((n, ny), settings.backstop_capacity_bcm)), name="backstop"
    )
    m.add_constraints(cons + resell - lift == 0, name="lifted")
    m.add_constraints(paid - lift >= 0, name="take_or_pay")
    m.add_constraints(cons.sum("contract") + dom + spot + back == da(net_demand_bcm), name="balance")
    spot_cost = market.jkm_usd_per_mmbtu * settings.lng_mmbtu_per_kcm + settings.regas_usd_per_kcm
    m.add_objective(
        (da_k(price) * paid).sum()
        + (da_k(portfolio.delivered_fixed_usd_per_kcm) * cons).sum()
        - (da_k(resale) * resell).sum()
        + (da(np.full((n, ny), settings.domestic_cost_usd_per_kcm)) * dom).sum()
        + (da(spot_cost) * spot).sum()
        + (da(np.full((n, ny), settings.backstop_usd_per_kcm)) * back).sum()
    )
    with _silence_stdout_fd():
        status, condition = m.solve(
            solver_name="highs", progress=False, output_flag=False, log_to_console=False
        )
    if status != "ok":
        raise InfeasibleError(
            f"China's dispatch LP failed: status {status}, condition {condition}",
            element="stack",
            constraint="LP",
        )
    cost = (
        (paid.solution.to_numpy() * price).sum(-1)
        + (cons.solution.to_numpy() * portfolio.delivered_fixed_usd_per_kcm).sum(-1)
        - (resell.solution.to_numpy() * resale).sum(-1)
        + dom.solution.to_numpy() * settings.domestic_cost_usd_per_kcm
        + spot.solution.to_numpy() * spot_cost
        + back.solution.to_numpy() * settings.backstop_usd_per_kcm
    )
    return cost + vol @ portfolio.fee_usd_per_kcm
