"""The report: run twin -> economics -> deal and render one self-contained HTML file plus CSV tables."""

from pos2.report.render import render_report
from pos2.report.stages import Chain, StageOutcome, TwinCache, run_chain

__all__ = ["Chain", "StageOutcome", "TwinCache", "render_report", "run_chain"]
