from __future__ import annotations

import numpy as np
import pytest

from pos2.economics import build_project
from pos2.economics.montecarlo import chunk_sizes, run_monte_carlo
from pos2.scenario import Scenario
from pos2.twin.summary import TwinSummary


def test_chunk_grid() -> None:
    assert chunk_sizes(10, 4) == [4, 4, 2]
    assert chunk_sizes(8, 4) == [4, 4]


def test_same_seed_same_result_whatever_the_grouping_and_scheduler(pos2: Scenario, twin: TwinSummary) -> None:
    p = build_project(pos2, twin)
    kw = {"paths": 700, "seed": 11, "chunk_paths": 200}
    a = run_monte_carlo(pos2, p, scheduler="sync", chunks_per_task=1, **kw)
    b = run_monte_carlo(pos2, p, scheduler="threads", chunks_per_task=3, **kw)
    c = run_monte_carlo(pos2, p, scheduler=None, chunks_per_task=4, **kw)
    for other in (b, c):
        np.testing.assert_array_equal(a.npv_usd, other.npv_usd)
        np.testing.assert_array_equal(a.irr, other.irr)
        np.testing.assert_array_equal(a.mean_price_usd_per_kcm, other.mean_price_usd_per_kcm)
    # a longer run extends the shorter one chunk by chunk: the first chunks are identical
    d = run_monte_carlo(pos2, p, scheduler="sync", paths=1000, seed=11, chunk_paths=200)
    np.testing.assert_array_equal(d.npv_usd[:, :600], a.npv_usd[:, :600])


def test_other_seed_other_paths(pos2: Scenario, twin: TwinSummary) -> None:
    p = build_project(pos2, twin)
    a = run_monte_carlo(pos2, p, paths=300, seed=1, scheduler="sync")
    b = run_monte_carlo(pos2, p, paths=300, seed=2, scheduler="sync")
    assert not np.array_equal(a.npv_usd, b.npv_usd)


def test_mongolia_income_is_bounded_by_the_contract(pos2: Scenario, twin: TwinSummary) -> None:
    p = build_project(pos2, twin)
    r = run_monte_carlo(pos2, p, paths=400, seed=3, scheduler="sync")
    vol = r.mean_taken_bcm_per_year
    acq = p.acq_kcm.mean() / 1e6
    c = pos2.model.contract
    # China takes at least about the minimum bill (take-or-pay share of the firm quantity): a 30-year
    # mean of the 10 % demand shock stays within 10 % of 1 (over five standard errors)
    assert vol.min() >= 0.9 * acq * c.take_or_pay * (1 - c.flex_band)
    assert vol.max() <= acq + 1e-9
    assert np.isnan(r.irr[2]).all()  # Mongolia invests nothing: no IRR
    ok = np.isfinite(r.irr[0])
    assert ok.mean() > 0.5
    # where the IRR exists it ranks the project like the NPV at Gazprom's own rate
    rate = pos2.model.finance.discount_rate_russia
    agree = np.sign(r.irr[0][ok] - rate) == np.sign(r.npv_usd[0][ok])
    assert agree.mean() > 0.99


def test_uncertainty_widens_around_the_deterministic_value(pos2: Scenario, twin: TwinSummary) -> None:
    from pos2.economics import deterministic

    p = build_project(pos2, twin)
    r = run_monte_carlo(pos2, p, paths=2000, seed=5, scheduler="sync")
    det = deterministic(pos2, twin, project=p).npv_usd["russia"]
    q10, q90 = np.percentile(r.npv_usd[0], [10, 90])
    assert q10 < det < q90
    assert q90 - q10 > 0.2 * abs(det)
    # China cuts to the minimum bill on the paths where the price is above its alternative, so the
    # mean lies below the deterministic value (which has no such paths) by the flexibility's cost
    assert r.npv_usd[0].mean() < det
    # without flexibility (the whole ACQ paid for) the paths scatter around the deterministic value
    rigid = pos2.with_overrides({"contract.take_or_pay": 1.0, "contract.flex_band": 0.0})
    pr = build_project(rigid, twin)
    rr = run_monte_carlo(rigid, pr, paths=2000, seed=5, scheduler="sync")
    det_rigid = deterministic(rigid, twin, project=pr).npv_usd["russia"]
    assert pytest.approx(rr.npv_usd[0].mean(), rel=0.6) == det_rigid


def test_distributed_scheduler_gives_the_same_paths(pos2: Scenario, twin: TwinSummary) -> None:
    from distributed import LocalCluster

    p = build_project(pos2, twin)
    kw = {"paths": 500, "seed": 9, "chunk_paths": 200}
    local = run_monte_carlo(pos2, p, scheduler="sync", **kw)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster:
        remote = run_monte_carlo(pos2, p, scheduler=cluster.scheduler_address, **kw)
    np.testing.assert_array_equal(local.npv_usd, remote.npv_usd)
    np.testing.assert_array_equal(local.irr, remote.irr)


def test_without_uncertainty_the_monte_carlo_is_the_deterministic_deck(
    pos2: Scenario, twin: TwinSummary
) -> None:
    from pos2.economics import deterministic

    calm = {f"prices.{c}.{k}": 0.0 for c in ("brent", "jkm") for k in ("sigma_chi", "sigma_xi", "mu_xi")} | {
        "montecarlo.volume_sd": 0.0
    }
    scn = pos2.with_overrides(calm)
    p = build_project(scn, twin)
    r = run_monte_carlo(scn, p, paths=50, seed=1, scheduler="sync")
    det = deterministic(scn, twin, project=p)
    for i, party in enumerate(("russia", "china", "mongolia")):
        np.testing.assert_allclose(r.npv_usd[i], det.npv_usd[party], rtol=1e-5)
