"""Process settings of pos2's applications (the ``pos2`` command, the dashboard server, the sweeps).

:func:`apply_app_environment` is called by the command line before anything imports numpy; a library
user's process is left as it is. Each setting is an environment default: a value already set wins.

``NUMPY_MADVISE_HUGEPAGE=0`` — numpy asks the kernel for transparent huge pages for every array of
4 MB and more (numpy's "global state" documentation). Where the kernel's huge-page policy is
``madvise`` with ``defrag = madvise`` (this project's machines: cat
/sys/kernel/mm/transparent_hugepage/defrag), the first touch of such memory stalls in page compaction:
64 MB took 0.19 s against 0.03 s with ordinary pages, and a dashboard update that builds a new
supply stack (a Hormuz lever, about 120 MB of new arrays) spent 0.2–0.4 s of its 0.8–1.0 s there.
Measured with and without in BENCHMARKS.md ("The dashboard per lever").
"""

from __future__ import annotations

import os

APP_ENVIRONMENT: dict[str, str] = {"NUMPY_MADVISE_HUGEPAGE": "0"}
"""Environment defaults of pos2's applications (read by numpy at its import)."""


def apply_app_environment() -> None:
    """Set :data:`APP_ENVIRONMENT`'s defaults in this process (and so in its children); a value the
    user set is kept. Has its effect only when called before numpy is imported."""
    for key, value in APP_ENVIRONMENT.items():
        os.environ.setdefault(key, value)
