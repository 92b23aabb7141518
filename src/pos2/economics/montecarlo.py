"""Vectorised, chunked, seeded Monte Carlo of the contract valuation, run through Dask.

The paths are cut into a fixed grid of chunks of ``montecarlo.chunk_paths`` paths. Chunk ``i``
draws its random numbers from child ``i`` of ``numpy.random.SeedSequence(seed).spawn(n_chunks)``,
so the result depends only on the seed and the chunk grid — not on the number of workers, on how
chunks are grouped into Dask tasks, or on the scheduler (local threads, synchronous, or a remote
``distributed`` cluster).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from pos2.economics.cashflow import PARTIES, Project, npv, party_cash_flows
from pos2.economics.contract import annual_prices_usd_per_kcm, warmup_months
from pos2.economics.prices import PriceModel, price_model, simulate_prices
from pos2.scenario import Scenario


@dataclass(frozen=True)
class ChunkResult:
    """Per-path results of one chunk."""

    npv_usd: np.ndarray
    """NPV per party (3, paths) in PARTIES order [USD]."""
    irr: np.ndarray
    """IRR per party (3, paths) [1/yr]; NaN where undefined."""
    mean_price_usd_per_kcm: np.ndarray
    """Volume-weighted average contract price over the term (paths,) [USD/kcm]."""
    mean_taken_bcm_per_year: np.ndarray
    """Average annual volume taken (paths,) [bcm/yr]."""


LOCAL_SCHEDULERS = ("threads", "sync", "synchronous", "processes")
"""``scheduler`` values that run on this machine's Dask schedulers; anything else is an address."""


def chunk_sizes(paths: int, chunk_paths: int) -> list[int]:
    """The fixed chunk grid: full chunks and one remainder [paths]."""
    full, rest = divmod(paths, chunk_paths)
    return [chunk_paths] * full + ([rest] if rest else [])


def run_chunk(
    scenario: Scenario,
    project: Project,
    model: PriceModel,
    seed_seq: np.random.SeedSequence,
    n_paths: int,
    *,
    with_irr: bool = True,
) -> ChunkResult:
    """Simulate and value one chunk of paths.

    Parameters
    ----------
    scenario
        Scenario (contract, prices, Monte Carlo settings) [-]
    project
        Price-independent project data [-]
    model
        Price model [-]
    seed_seq
        This chunk's seed sequence [-]
    n_paths
        Paths in the chunk [-].
    with_irr
        Also compute the per-path IRR (the most expensive metric) [-]
    """
    rng = np.random.Generator(np.random.PCG64(seed_seq))
    term = project.term_years
    months = 12 * term
    w = warmup_months(scenario)
    first_gas_month = 12 * project.construction_years
    brent, jkm = simulate_prices(model, rng, n_paths, first_gas_month - w, w + months)
    price, alt = annual_prices_usd_per_kcm(scenario, brent, jkm, months)
    del brent, jkm
    sd = scenario.model.montecarlo.volume_sd
    demand = np.exp(sd * rng.standard_normal((n_paths, term)) - 0.5 * sd * sd) if sd > 0 else None
    flows, vol = party_cash_flows(project, price, alt, demand)
    npvs = np.stack([npv(flows[p], project.discount[p]) for p in PARTIES])
    irrs = (
        np.stack([project.party_irr(p, flows[p]) for p in PARTIES])
        if with_irr
        else np.full((3, n_paths), np.nan)
    )
    taken_total = vol.taken.sum(axis=1)
    # a path on which China takes nothing has no volume to weight by: its plain mean price
    mean_price = np.divide(
        (price * vol.taken).sum(axis=1),
        taken_total,
        out=np.broadcast_to(price, vol.taken.shape).mean(axis=1),
        where=taken_total > 0,
    )
    return ChunkResult(npvs, irrs, mean_price, taken_total / term / 1e6)


def _run_group(
    inputs: tuple[Scenario, Project, PriceModel],
    seqs: list[np.random.SeedSequence],
    sizes: list[int],
    with_irr: bool,
) -> list[ChunkResult]:
    scenario, project, model = inputs
    return [
        run_chunk(scenario, project, model, s, n, with_irr=with_irr) for s, n in zip(seqs, sizes, strict=True)
    ]


def _concat(results: list[ChunkResult]) -> ChunkResult:
    return ChunkResult(
        np.concatenate([r.npv_usd for r in results], axis=1),
        np.concatenate([r.irr for r in results], axis=1),
        np.concatenate([r.mean_price_usd_per_kcm for r in results]),
        np.concatenate([r.mean_taken_bcm_per_year for r in results]),
    )


def run_monte_carlo(
    scenario: Scenario,
    project: Project,
    *,
    paths: int,
    seed: int,
    chunk_paths: int | None = None,
    scheduler: str | None = None,
    chunks_per_task: int = 1,
    with_irr: bool = True,
) -> ChunkResult:
    """Run the Monte Carlo through Dask and return the per-path results in chunk order.

    Parameters
    ----------
    scenario
        Scenario [-]
    project
        Price-independent project data (:func:`pos2.economics.cashflow.build_project`) [-]
    paths
        Number of paths [-].
    seed
        Seed of the root :class:`numpy.random.SeedSequence` [-].
    chunk_paths
        Paths per chunk (default ``montecarlo.chunk_paths``); fixes the random streams [-].
    scheduler
        ``None`` or ``"threads"``: Dask's local threaded scheduler; ``"sync"``: in this thread;
        ``"processes"``; anything else is the address of a ``distributed`` scheduler [-]
    chunks_per_task
        Chunks grouped into one Dask task (does not change the result) [-].
    with_irr
        Compute per-path IRRs [-]
    """
    import dask

    chunk = chunk_paths or scenario.model.montecarlo.chunk_paths
    sizes = chunk_sizes(paths, chunk)
    seqs = np.random.SeedSequence(seed).spawn(len(sizes))
    model = price_model(scenario)
    groups = [
        (seqs[i : i + chunks_per_task], sizes[i : i + chunks_per_task])
        for i in range(0, len(sizes), max(1, chunks_per_task))
    ]
    inputs = dask.delayed((scenario, project, model), traverse=False)  # one shared, opaque input
    tasks = [dask.delayed(_run_group)(inputs, s, z, with_irr) for s, z in groups]
    out: Any
    if scheduler is None or scheduler in LOCAL_SCHEDULERS:
        out = dask.compute(*tasks, scheduler=scheduler or "threads")
    else:
        from distributed import Client

        with Client(scheduler, set_as_default=False) as client:
            out = client.gather(client.compute(tasks))
    return _concat([r for group in out for r in group])
