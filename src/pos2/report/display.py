"""How the report writes numbers and units: one way everywhere.

* Units: °C (not degC), m³ (not m3), °E/°N (not deg E/N), in the page text, table cells and figure
  labels. The files beside the report (CSV, JSON) keep their ASCII column names.
* Numbers: thousands separators and never scientific notation (3,184,701,339 USD, not 3.185e+09).
"""

from __future__ import annotations

import math
import re

_UNITS = (
    (re.compile(r"\bdegC\b"), "°C"),
    (re.compile(r"\bdeg ([NESW])\b"), r"°\1"),
    (re.compile(r"\b([kM]?m)3\b"), r"\1³"),
    (re.compile(r"\bm2\b"), "m²"),
)


def display_units(text: str) -> str:
    """``text`` with the unit spellings of the data files replaced by the report's symbols."""
    for pattern, repl in _UNITS:
        text = pattern.sub(repl, text)
    return text


def number_text(x: float, digits: int = 4) -> str:
    """``x`` with about ``digits`` significant digits, thousands separators and no exponent.

    >>> number_text(3184701338.67)
    '3,184,701,339'
    >>> number_text(0.000123456)
    '0.0001235'
    >>> number_text(12.3456)
    '12.35'
    """
    if not math.isfinite(x):
        return str(x)
    if x == 0:
        return "0"
    mag = math.floor(math.log10(abs(x)))
    decimals = max(0, digits - 1 - mag)
    return f"{x:,.{decimals}f}"


def compact_number(x: float, digits: int = 4) -> str:
    """:func:`number_text` without trailing zeros (labels: ``0.088``, ``3,440,000``).

    >>> compact_number(0.088), compact_number(3.44e6), compact_number(70.0)
    ('0.088', '3,440,000', '70')
    """
    text = number_text(float(x), digits)
    return text.rstrip("0").rstrip(".") if "." in text else text
