"""Steady-state hydraulics: friction correlations and the Newton-Raphson network solver."""

from pos2.hydraulics.steady import DEFAULT_LHV_J_PER_KG, SteadyOptions, SteadyResult, solve_steady

__all__ = ["DEFAULT_LHV_J_PER_KG", "SteadyOptions", "SteadyResult", "solve_steady"]
