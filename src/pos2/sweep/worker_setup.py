"""Dask preload for local sweep workers: leave Ctrl-C to the client.

A Ctrl-C on the terminal reaches every process of the foreground group, local workers included. The
client handles it (it stops, keeps what is stored and exits with code 130); the workers ignore it, so
they neither print tracebacks nor die before the client shuts them down.
"""

from __future__ import annotations

import signal
import threading
from typing import Any


def dask_setup(worker: Any) -> None:
    """Ignore SIGINT in this worker process (called by Dask when the worker starts)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
