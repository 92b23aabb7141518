"""The report: run twin -> economics -> deal (:mod:`pos2.pipeline`) and render one self-contained HTML
file plus tables."""

from pos2.report.render import render_report

__all__ = ["render_report"]
