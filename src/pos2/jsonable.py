"""The one JSON encoder of results: every ``--json`` object, ``summary.json`` and API answer goes through it.

>>> import numpy as np
>>> clean_json({"a": np.float64(1.5), "b": float("nan"), "c": (1, 2), "d": np.bool_(True)})
{'a': 1.5, 'b': None, 'c': [1, 2], 'd': True}
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def clean_json(obj: Any) -> Any:
    """A JSON-safe copy: numpy scalars to Python, NaN and infinities to ``None``, tuples to lists.

    Dates become ISO strings; any other object its ``str``.
    """
    if isinstance(obj, dict):
        return {str(k): clean_json(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [clean_json(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return clean_json(obj.tolist())
    if isinstance(obj, bool | np.bool_):
        return bool(obj)
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        f = float(obj)
        return f if math.isfinite(f) else None
    if obj is None or isinstance(obj, str):
        return obj
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    return str(obj)
