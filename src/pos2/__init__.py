"""pos2 — an open digital twin of the Power of Siberia 2 gas pipeline and of the deal around it.

The stages, each a verb taking a typed input and returning a typed result:

- :func:`pos2.scenario.load_scenario` — scenario files (TOML) to frozen, sourced objects;
- :func:`pos2.hydraulics.solve_steady` — steady-state real-gas network hydraulics;
- :mod:`pos2.twin` — the Power of Siberia 2 / 1 twins (profiles, capacity, calibration);
- :mod:`pos2.economics` — costs, tariff, contracts, cash flows, Monte Carlo;
- :mod:`pos2.bargaining` — China's supply LP, reservation prices, ZOPA, Nash, Rubinstein, hindcast;
- :mod:`pos2.report` — figures, map and the self-contained HTML report.
"""

__version__ = "0.1.0"
