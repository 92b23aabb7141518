"""The deal: China's supply alternatives, Russia's reservation price, bargaining, delay, the summits.

Stage functions: :func:`negotiate` (scenario + economics result -> :class:`DealResult`) and
:func:`run_deal` (runs the upstream stages when they exist).
"""

from pos2.bargaining.deal import DealResult, HindcastRound, negotiate, run_deal

__all__ = ["DealResult", "HindcastRound", "negotiate", "run_deal"]
