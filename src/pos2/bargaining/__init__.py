"""The deal: China's supply alternatives, Russia's reservation price, bargaining, delay, the summits.

Stage function: :func:`negotiate` (scenario + the economics' breakeven and contract price ->
:class:`DealResult`); :mod:`pos2.pipeline` composes it with the twin and the economics.
"""

from pos2.bargaining.deal import DealResult, HindcastRound, ProjectBasis, negotiate

__all__ = ["DealResult", "HindcastRound", "ProjectBasis", "negotiate"]
