"""What a report left out, and how to get it: nothing is dropped silently.

The report runs under a time budget (``pos2 report --budget SECONDS``; 0: no limit). Work that did
not finish in time (what-if re-runs, the twin's slower analyses) or that the user switched off is
listed by :func:`omissions`; the terminal, ``report.html`` and ``summary.json`` all show the list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from pos2.report.twin_extras import TASKS, TwinExtras
from pos2.report.whatif import Move

DEFAULT_BUDGET_S = 45.0
"""Default time budget of ``pos2 report`` [s] (0 or ``None``: no limit)."""

TIME_BUDGET_REASON = "not computed within the report's time budget"
"""The reason :class:`~pos2.report.twin_extras.ExtrasJob` gives for a task cut by the budget."""

TWIN_ANALYSIS_LABELS = {
    "design": "twin analysis: stations needed for the design throughput",
    "implied": "twin analysis: implied maximum operating pressure",
    "capacity": "twin analysis: capacity of the line as built",
    "by_stations": "twin analysis: capacity against the number of stations",
    "by_pressure": "twin analysis: capacity against the maximum pressure",
    "part_loads": "twin analysis: fuel and power at part loads",
    "length_effect": "twin analysis: stations and power against the Russian section length",
}


@dataclass(frozen=True)
class Omission:
    """One piece of work the report does not contain."""

    part: str
    """Report section it belongs to (``capacity``, ``whatif``)."""
    item: str
    """What is missing, in words."""
    why: str
    """Why it is missing."""
    how: str
    """How to get it."""

    def as_dict(self) -> dict[str, str]:
        """Plain dict for ``summary.json``."""
        return asdict(self)

    def text(self) -> str:
        """One line for the terminal and the report."""
        return f"{self.item}: {self.why}; {self.how}"


def budget_hint(budget_s: float | None) -> str:
    """How to get work that the budget cut."""
    now = "no limit" if not budget_s else f"{budget_s:g} s"
    return f"re-run with a larger --budget SECONDS (now {now}) or --budget 0 for no limit"


def omissions(
    *,
    skipped_moves: Sequence[Move],
    extras: TwinExtras | None,
    analyses: bool,
    budget_s: float | None,
) -> list[Omission]:
    """Everything the report left out.

    Parameters
    ----------
    skipped_moves
        What-if moves not tried for lack of time [-].
    extras
        The twin analyses that were collected (``None``: not run) [-].
    analyses
        Whether the user asked for the twin analyses (``--analyses``) [-].
    budget_s
        The report's time budget (``None`` or 0: no limit) [s].
    """
    out: list[Omission] = []
    hint = budget_hint(budget_s)
    if not analyses:
        why, how = "not run (--no-analyses)", "re-run without --no-analyses"
        out.extend(Omission("capacity", TWIN_ANALYSIS_LABELS.get(n, n), why, how) for n in TASKS)
    elif extras is not None:
        for name in TASKS:
            err = extras.errors.get(name)
            if err is not None and err.startswith(TIME_BUDGET_REASON):
                out.append(Omission("capacity", TWIN_ANALYSIS_LABELS.get(name, name), err, hint))
    for mv in skipped_moves:
        out.append(
            Omission(
                "whatif",
                f"what-if re-run: {mv.label} = {mv.value:g}",
                "not run within the report's time budget",
                hint,
            )
        )
    return out


def omissions_json(items: Sequence[Omission]) -> list[dict[str, Any]]:
    """The list for ``summary.json``."""
    return [o.as_dict() for o in items]
