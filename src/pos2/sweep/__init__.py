"""Scenario sweeps at scale: specs, sampling, staged cached evaluation, Dask execution, DuckDB store.

See ``docs/sweep.md``. The usual entry points::

    from pos2.sweep import load_spec, run_sweep
    summary = run_sweep(load_spec("examples/sweeps/contract_levers.toml"), Path("out/sweep"))
"""

from pos2.sweep.evaluator import ChunkResult, Evaluator, Stage, StagedEvaluator, load_evaluator
from pos2.sweep.execute import DaskExecutor, SerialExecutor
from pos2.sweep.run import SweepSummary, make_chunks, run_sweep
from pos2.sweep.sampling import PointTable, sample_points
from pos2.sweep.spec import CONFIRM_POINTS, ParameterSpec, SweepSpec, load_spec, parse_spec
from pos2.sweep.store import SweepStore

__all__ = [
    "CONFIRM_POINTS",
    "ChunkResult",
    "DaskExecutor",
    "Evaluator",
    "ParameterSpec",
    "PointTable",
    "SerialExecutor",
    "Stage",
    "StagedEvaluator",
    "SweepSpec",
    "SweepStore",
    "SweepSummary",
    "load_evaluator",
    "load_spec",
    "make_chunks",
    "parse_spec",
    "run_sweep",
    "sample_points",
]
