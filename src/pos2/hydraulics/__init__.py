"""Gas network hydraulics: friction correlations, the steady Newton-Raphson solver and the transient
(implicit in time) solver on the same network model."""

from pos2.hydraulics.schedules import Controls, Schedule
from pos2.hydraulics.steady import DEFAULT_LHV_J_PER_KG, SteadyOptions, SteadyResult, solve_steady
from pos2.hydraulics.transient import TransientOptions, TransientResult, simulate_transient

__all__ = [
    "DEFAULT_LHV_J_PER_KG",
    "Controls",
    "Schedule",
    "SteadyOptions",
    "SteadyResult",
    "TransientOptions",
    "TransientResult",
    "simulate_transient",
    "solve_steady",
]
